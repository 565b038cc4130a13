// The demo organisation for `npm start` and the end-to-end tests: a fictional city government,
// its office and departments, with people in every role. Runs only on an empty database.
import type { Role, UnitKind } from '../../src/lib/roles.ts';
import { SYSTEM_ACTOR } from '../../src/lib/server/audit/log.ts';
import { sql } from '../../src/lib/server/db.ts';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { DEMO_TOTP_KEY } from './demo-key.ts';
import { needsSecondFactor } from '../../src/lib/server/auth/second-factor.ts';
import { startTotp } from '../../src/lib/server/auth/totp.ts';
import { createPerson } from '../../src/lib/server/people/flows.ts';
import { createUnit, editUnit } from '../../src/lib/server/units/flows.ts';

export const DEMO_PASSWORD = 'jiangcheng-2026';
export { DEMO_TOTP_KEY } from './demo-key.ts';

interface DemoPerson {
	name: string;
	username: string;
	phone: string;
	roles: Role[];
	title: string;
}
interface DemoUnit {
	name: string;
	kind: UnitKind;
	key?: boolean;
	people: DemoPerson[];
	principal?: string;
	children?: DemoUnit[];
}

const ORG: DemoUnit = {
	name: '江城市人民政府',
	kind: 'government',
	principal: 'mayor',
	people: [
		{ name: '张建国', username: 'mayor', phone: '13900000001', roles: ['principal', 'spokesperson'], title: '市长（第一新闻发言人）' },
		{ name: '刘志远', username: 'vicemayor', phone: '13900000002', roles: ['leader'], title: '副市长（分管领导）' }
	],
	children: [
		{
			name: '江城市人民政府办公室',
			kind: 'office',
			people: [
				{ name: '王敏', username: 'admin', phone: '13900000003', roles: ['office_admin', 'sysadmin'], title: '政务公开办、系统管理员' },
				{ name: '李强', username: 'duty', phone: '13900000004', roles: ['duty'], title: '值班人员' },
				{ name: '林晓', username: 'auditor', phone: '13900000015', roles: ['auditor'], title: '审计员' }
			]
		},
		{
			name: '江城市应急管理局',
			kind: 'department',
			key: true,
			principal: 'em-chief',
			people: [
				{ name: '周涛', username: 'em-chief', phone: '13900000005', roles: ['principal'], title: '局长（主要负责人）' },
				{ name: '赵磊', username: 'em-spokes', phone: '13900000006', roles: ['spokesperson', 'leader'], title: '副局长、新闻发言人' },
				{ name: '陈静', username: 'em-press', phone: '13900000007', roles: ['press_officer'], title: '宣传干事' },
				{ name: '孙浩', username: 'em-duty', phone: '13900000008', roles: ['duty'], title: '值班人员' }
			]
		},
		{
			name: '江城市卫生健康委员会',
			kind: 'department',
			key: true,
			people: [{ name: '吴芳', username: 'health-press', phone: '13900000009', roles: ['press_officer'], title: '宣传干事' }]
		},
		{
			name: '江城市生态环境局',
			kind: 'department',
			key: true,
			people: [{ name: '郑伟', username: 'eco-press', phone: '13900000010', roles: ['press_officer'], title: '宣传干事' }]
		},
		{
			name: '江城市公安局',
			kind: 'department',
			people: [{ name: '冯军', username: 'police-press', phone: '13900000011', roles: ['press_officer', 'spokesperson'], title: '新闻发言人' }]
		},
		{
			name: '江城市住房和城乡建设局',
			kind: 'department',
			key: true,
			people: [{ name: '何琳', username: 'housing-press', phone: '13900000012', roles: ['press_officer'], title: '宣传干事' }]
		},
		{
			name: '江城市教育局',
			kind: 'department',
			key: true,
			people: [{ name: '韩雪', username: 'edu-press', phone: '13900000013', roles: ['press_officer'], title: '宣传干事' }]
		}
	]
};

export interface DemoSignIn {
	username: string;
	name: string;
	unit: string;
	title: string;
}

const GRANTER = { roles: ['sysadmin'] as Role[], scope: null };

/** Seeds the demo organisation when there are no units yet; returns the sign-ins either way. */
export async function seedDemo(): Promise<{ created: boolean; signIns: DemoSignIn[] }> {
	const signIns: DemoSignIn[] = [];
	const collect = (u: DemoUnit) => {
		for (const p of u.people) signIns.push({ username: p.username, name: p.name, unit: u.name, title: p.title });
		u.children?.forEach(collect);
	};
	collect(ORG);

	const [existing] = await sql`select 1 from units limit 1`;
	if (existing) return { created: false, signIns };

	const personIds = new Map<string, string>();
	const units: { id: string; def: DemoUnit; parentId: string | null }[] = [];
	const create = async (def: DemoUnit, parentId: string | null) => {
		const unit = await createUnit(
			{ name: def.name, parentId, kind: def.kind, isKeyDepartment: def.key ?? false, principalId: null, leaderInChargeId: null },
			null,
			SYSTEM_ACTOR
		);
		units.push({ id: unit.id, def, parentId });
		for (const p of def.people) {
			const person = await createPerson(
				{ name: p.name, username: p.username, phone: p.phone, unitId: unit.id, roles: p.roles },
				DEMO_PASSWORD,
				GRANTER,
				SYSTEM_ACTOR
			);
			personIds.set(p.username, person.id);
			if (needsSecondFactor(p.roles, false)) {
				await startTotp(sql, person.id, decodeBase32IgnorePadding(DEMO_TOTP_KEY));
				await sql`update totp_keys set confirmed_at = now() where person_id = ${person.id}`;
			}
		}
		for (const child of def.children ?? []) await create(child, unit.id);
	};
	await create(ORG, null);

	// Principals, and the vice-mayor in charge of every department.
	for (const u of units) {
		const principalId = u.def.principal ? (personIds.get(u.def.principal) ?? null) : null;
		const leaderInChargeId = u.def.kind === 'department' ? (personIds.get('vicemayor') ?? null) : null;
		if (!principalId && !leaderInChargeId) continue;
		await editUnit(
			u.id,
			{ name: u.def.name, parentId: u.parentId, kind: u.def.kind, isKeyDepartment: u.def.key ?? false, principalId, leaderInChargeId },
			null,
			SYSTEM_ACTOR
		);
	}
	// The emergency bureau's releases pass its spokesperson's confidentiality review before the vice-mayor signs.
	const em = units.find((u) => u.def.name === '江城市应急管理局')!;
	await sql`
		insert into review_chains (unit_id, confidentiality_reviewer_ids)
		values (${em.id}, ${[personIds.get('em-spokes')!]}::uuid[])`;
	return { created: true, signIns };
}
