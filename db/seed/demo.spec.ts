import { describe, expect, it } from 'vitest';
import { ROLES } from '../../src/lib/roles.ts';
import { signIn } from '../../src/lib/server/auth/flows.ts';
import { sql } from '../../src/lib/server/db.ts';
import { signInAs } from '../../src/lib/server/test-helpers.ts';
import { DEMO_PASSWORD, seedDemo } from './demo.ts';

const counts = async () => {
	const [row] = await sql<{ units: number; people: number; audit: number }[]>`
		select (select count(*)::int from units) as units, (select count(*)::int from people) as people,
			(select count(*)::int from audit_log) as audit`;
	return row!;
};

describe('seedDemo', () => {
	it('builds a city government with its office and departments, and people in every role', async () => {
		expect(await counts()).toMatchObject({ units: 0, people: 0 });
		const { created, signIns } = await seedDemo();
		expect(created).toBe(true);

		const units = await sql<{ id: string; name: string; kind: string; parentId: string | null; leaderInChargeId: string | null }[]>`
			select id, name, kind, parent_id, leader_in_charge_id from units`;
		expect(units.length).toBeGreaterThanOrEqual(8);
		const government = units.filter((u) => u.kind === 'government');
		expect(government).toHaveLength(1);
		expect(government[0]!.parentId).toBeNull();
		expect(units.filter((u) => u.kind === 'office' && u.parentId === government[0]!.id)).toHaveLength(1);
		const departments = units.filter((u) => u.kind === 'department');
		expect(departments.length).toBeGreaterThanOrEqual(6);
		// Every department has the vice-mayor as its leader in charge, so escalations have somewhere to go.
		expect(departments.every((d) => d.leaderInChargeId !== null)).toBe(true);

		const roles = new Set((await sql<{ role: string }[]>`select distinct unnest(roles) as role from people`).map((r) => r.role));
		expect([...roles].sort()).toEqual([...ROLES].sort());

		const people = await sql<{ username: string }[]>`select username from people`;
		expect(signIns.map((s) => s.username).sort()).toEqual(people.map((p) => p.username).sort());
	});

	it('lets every demo person sign in with the demo password', async () => {
		const { signIns } = await seedDemo();
		for (const s of signIns) {
			const r = await signIn(s.username, DEMO_PASSWORD, { personId: null, ip: '127.0.0.1', userAgent: 'vitest' });
			expect(r.ok, s.username).toBe(true);
		}
		const duty = await signInAs('13900000004', DEMO_PASSWORD);
		expect(duty.user).toMatchObject({ name: '李强', unitName: '江城市人民政府办公室' });
	});

	it('lets the demo office administrator see every department', async () => {
		const admin = await signInAs('admin', DEMO_PASSWORD);
		expect(await admin.caller.unit.list()).toHaveLength((await counts()).units);
	});

	it('creates nothing when run again', async () => {
		const before = await counts();
		const again = await seedDemo();
		expect(again.created).toBe(false);
		expect(again.signIns.length).toBe(before.people);
		const after = await counts();
		expect(after.units).toBe(before.units);
		expect(after.people).toBe(before.people);
		expect(after.audit).toBe(before.audit);
	});
});
