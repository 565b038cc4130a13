// npm run admin:create -- --login L --password P --name N [--roles r1,r2] [--unit UNIT_NAME]
// Creates a person (by default the first administrator) without the app running. Missing values
// are asked for at the terminal; with every flag given it never prompts.
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../src/lib/roles.ts';
import { openDatabase, readMigrationFiles } from './lib/database.ts';

const { values } = parseArgs({
	options: {
		login: { type: 'string' },
		password: { type: 'string' },
		name: { type: 'string' },
		roles: { type: 'string', default: 'sysadmin,office_admin' },
		unit: { type: 'string' },
		help: { type: 'boolean', short: 'h' }
	}
});

if (values.help) {
	console.log('npm run admin:create -- --login <phone or username> --password <password> --name <name> [--roles sysadmin,office_admin] [--unit <unit name>]');
	console.log(`roles: ${ROLES.join(', ')}`);
	process.exit(0);
}

async function ask(question: string, hidden = false): Promise<string> {
	if (!process.stdin.isTTY) throw new Error(`${question.trim()}: not given, and there is no terminal to ask at (pass it as a flag)`);
	const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
	if (hidden) {
		// Echo nothing while the password is typed.
		const out = rl as unknown as { _writeToOutput: (s: string) => void };
		out._writeToOutput = (s: string) => {
			if (s.startsWith(question)) process.stdout.write(question);
		};
	}
	const answer = await rl.question(question);
	rl.close();
	if (hidden) process.stdout.write('\n');
	return answer.trim();
}

function fail(message: string): never {
	console.error(`错误：${message}`);
	process.exit(1);
}

const login = values.login ?? (await ask('手机号或用户名 (login): '));
const name = values.name ?? (await ask('姓名 (name): '));
const password = values.password ?? (await ask('密码 (password): ', true));
const roles = values.roles.split(',').map((r) => r.trim()).filter(Boolean);
const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
if (unknown.length) fail(`「角色」无效：${unknown.join(', ')}（可选：${ROLES.join(', ')}）`);

const db = await openDatabase({ quiet: true });
process.env.DATABASE_URL = db.url;
let exitCode = 0;
try {
	(await import('./lib/messages.ts')).compileMessages();
	const { sql } = await import('../src/lib/server/db.ts');
	const { migrate } = await import('../src/lib/server/migrate.ts');
	const { SYSTEM_ACTOR } = await import('../src/lib/server/audit/log.ts');
	const { createPerson } = await import('../src/lib/server/people/flows.ts');
	const { createUnit } = await import('../src/lib/server/units/flows.ts');
	const { getRootUnit, findUnitByName } = await import('../src/lib/server/units/queries.ts');
	const { normaliseLogin } = await import('../src/lib/server/auth/flows.ts');
	try {
		await migrate(sql, readMigrationFiles());
		let unit = values.unit ? await findUnitByName(sql, values.unit) : await getRootUnit(sql);
		if (!unit) {
			if (values.unit && (await getRootUnit(sql))) fail(`「所属单位」找不到名为“${values.unit}”的单位`);
			// A brand-new installation: the first unit is the top of the tree.
			unit = await createUnit(
				{ name: values.unit ?? '本级人民政府', parentId: null, kind: 'government', isKeyDepartment: false, principalId: null, leaderInChargeId: null },
				null,
				SYSTEM_ACTOR
			);
			console.log(`已创建最上级单位“${unit.name}”，可在“单位管理”中改名。`);
		}
		const id = normaliseLogin(login);
		const isPhone = /^1[3-9]\d{9}$/.test(id);
		const person = await createPerson(
			{ name, username: isPhone ? null : id, phone: isPhone ? id : null, unitId: unit.id, roles: roles as Role[] },
			password,
			{ roles: ['sysadmin'], scope: null },
			{ ...SYSTEM_ACTOR, userAgent: 'npm run admin:create' }
		);
		console.log(`已创建：${person.name}（${isPhone ? '手机号' : '用户名'} ${id}），单位：${person.unitName}，角色：${person.roles.join(', ')}`);
	} catch (e) {
		const err = e as Error & { code?: string };
		console.error(`错误：${err.message}`);
		exitCode = 1;
	} finally {
		await sql.end();
	}
} finally {
	await db.close();
}
process.exit(exitCode);
