import { createHash, randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { EditedMigrationError, grantAppRole, migrateOrCheck, PendingMigrationsError } from '../migrate.ts';
import { migrationFiles } from '../migrations.ts';
import { makeCity } from '../test-helpers.ts';
import { linkHash, sealAudit, verifyAndAlert, verifyAudit } from './chain.ts';
import { audit, SYSTEM_ACTOR } from './log.ts';

let city: Awaited<ReturnType<typeof makeCity>>;
beforeAll(async () => {
	city = await makeCity();
});

const write = (action: string, after: unknown = { n: 1 }) => sql.begin((tx) => audit(tx, SYSTEM_ACTOR, { action, entity: 'test', entityId: null, after }));
const lastId = async () => (await sql<{ id: string }[]>`select max(id)::text as id from audit_log`)[0]!.id;

/** As the superuser behind the app's back: triggers off for this transaction's statements. */
const behindTheBack = <T>(work: (tx: postgres.TransactionSql<{}>) => Promise<T>) =>
	sql.begin(async (tx) => {
		await tx`set local session_replication_role = replica`;
		return work(tx);
	});

describe('the hash', () => {
	it('is GB/T 32905 SM3 (its standard example) unless set to SHA-256', () => {
		expect(createHash('sm3').update('abc').digest('hex')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
		expect(linkHash('sm3', 'prev', 'row')).toBe(createHash('sm3').update('prev\nrow').digest('hex'));
		expect(linkHash('sha256', 'prev', 'row')).toBe(createHash('sha256').update('prev\nrow').digest('hex'));
	});
});

describe('sealing', () => {
	it('takes its time from the database whatever an insert names', async () => {
		await sql`insert into audit_log (at, action, entity) values ('2001-01-01T00:00:00Z', 'test.forged_time', 'test')`;
		const [row] = await sql<{ at: Date }[]>`select at from audit_log where action = 'test.forged_time'`;
		expect(Math.abs(row!.at.getTime() - Date.now())).toBeLessThan(60_000);
	});

	it('seals rows in the order of the transactions that wrote them, only once every older transaction has ended', async () => {
		await sealAudit(sql);
		// a transaction that writes its row first and commits last
		const early = await sql.reserve();
		try {
			await early`begin`;
			await early`insert into audit_log (action, entity) values ('test.early', 'test')`;
			await write('test.late');
			// the late row's transaction ended, but one older than it still runs: nothing may be sealed past it
			expect(await sealAudit(sql)).toBe(0);
			await early`commit`;
		} finally {
			early.release();
		}
		expect(await sealAudit(sql)).toBe(2);
		const order = await sql<{ action: string }[]>`
			select a.action from audit_seals s join audit_log a on a.id = s.audit_id order by s.seq desc limit 2`;
		expect(order.map((o) => o.action)).toEqual(['test.late', 'test.early']);
		const report = await verifyAudit(sql);
		expect(report.broken).toBeNull();
		expect(report.checked).toBe(Number(report.head!.seq));
	});

	it('is done by one instance at a time: two sealers at once seal each row once', async () => {
		for (let i = 0; i < 30; i++) await write('test.burst', { i });
		const [a, b] = await Promise.all([sealAudit(sql, { batch: 7 }), sealAudit(sql, { batch: 7 })]);
		expect(a + b).toBeGreaterThanOrEqual(30);
		const [dupes] = await sql<{ n: number }[]>`select count(*)::int - count(distinct audit_id)::int as n from audit_seals`;
		expect(dupes!.n).toBe(0);
		expect((await verifyAudit(sql)).broken).toBeNull();
	});
});

describe('verifying finds what was done behind the app', () => {
	it('a sealed row changed, and holds again once it is put back', async () => {
		await write('test.changed', { amount: 100 });
		await sealAudit(sql);
		const id = await lastId();
		await behindTheBack((tx) => tx`update audit_log set after = '{"amount": 1}' where id = ${id}`);
		expect((await verifyAudit(sql)).broken).toEqual({ seq: expect.any(String), auditId: id, reason: 'changed' });
		await behindTheBack((tx) => tx`update audit_log set after = '{"amount": 100}' where id = ${id}`);
		expect((await verifyAudit(sql)).broken).toBeNull();
	});

	it('a sealed row deleted', async () => {
		await write('test.deleted');
		await sealAudit(sql);
		const id = await lastId();
		const [row] = await sql<{ json: string }[]>`select row_to_json(a)::text as json from audit_log a where id = ${id}`;
		await behindTheBack((tx) => tx`delete from audit_log where id = ${id}`);
		try {
			expect((await verifyAudit(sql)).broken).toEqual({ seq: expect.any(String), auditId: id, reason: 'missing' });
		} finally {
			await behindTheBack((tx) => tx`insert into audit_log overriding system value select * from json_populate_record(null::audit_log, ${row!.json}::text::json)`);
		}
		expect((await verifyAudit(sql)).broken).toBeNull();
	});

	it('a row slipped in among the sealed ones without a seal', async () => {
		await write('test.before_slip');
		await sealAudit(sql);
		const [slipped] = await behindTheBack((tx) => tx<{ id: string }[]>`
			insert into audit_log (action, entity, xid) values ('test.slipped', 'test', '1') returning id::text`);
		expect((await verifyAudit(sql)).broken).toEqual({ seq: null, auditId: slipped!.id, reason: 'unsealed' });
		await behindTheBack((tx) => tx`delete from audit_log where id = ${slipped!.id}`);
		expect((await verifyAudit(sql)).broken).toBeNull();
	});

	it('a rewrite of the whole chain, against an anchor kept before', async () => {
		await write('test.anchored', { v: 'true' });
		await sealAudit(sql);
		const anchor = (await verifyAudit(sql)).head!;
		const id = await lastId();
		const rewrite = async (v: string) => {
			await behindTheBack(async (tx) => {
				await tx`update audit_log set after = ${tx.json({ v })} where id = ${id}`;
				await tx`delete from audit_seals`;
			});
			await sealAudit(sql);
		};
		await rewrite('forged');
		// consistent in itself: only the anchor shows it
		expect((await verifyAudit(sql)).broken).toBeNull();
		expect((await verifyAudit(sql, [anchor])).broken).toEqual({ seq: anchor.seq, auditId: id, reason: 'anchor' });
		await rewrite('true');
		expect((await verifyAudit(sql, [anchor])).broken).toBeNull();
	});

	it('the nightly check keeps its result and tells every system administrator at once when the chain is broken', async () => {
		await write('test.nightly');
		expect((await verifyAndAlert(sql)).broken).toBeNull();
		const id = await lastId();
		const noticesBefore = await sql<{ n: number }[]>`select count(*)::int as n from notifications where person_id = ${city.sysadmin.id}`;
		await behindTheBack((tx) => tx`update audit_log set action = 'test.rewritten' where id = ${id}`);
		try {
			const report = await verifyAndAlert(sql);
			expect(report.broken).toMatchObject({ auditId: id, reason: 'changed' });
			const [kept] = await sql<{ brokenAuditId: string; reason: string }[]>`
				select broken_audit_id::text, reason from audit_verifications order by id desc limit 1`;
			expect(kept).toEqual({ brokenAuditId: id, reason: 'changed' });
			const [notice] = await sql<{ urgency: string; body: { key: string; params: { row: string } } }[]>`
				select urgency, body from notifications where person_id = ${city.sysadmin.id} order by created_at desc limit 1`;
			expect(notice).toEqual({ urgency: 'critical', body: { key: 'audit.broken.changed', params: { row: id } } });
			const noticesAfter = await sql<{ n: number }[]>`select count(*)::int as n from notifications where person_id = ${city.sysadmin.id}`;
			expect(noticesAfter[0]!.n).toBe(noticesBefore[0]!.n + 1);
			const [recorded] = await sql<{ n: number }[]>`select count(*)::int as n from audit_log where action = 'audit.chain_broken' and entity_id = ${id}`;
			expect(recorded!.n).toBe(1);
		} finally {
			await behindTheBack((tx) => tx`update audit_log set action = 'test.nightly' where id = ${id}`);
		}
		expect((await verifyAudit(sql)).broken).toBeNull();
	});
});

describe("the application's role", () => {
	const role = `huiying_app_${randomBytes(4).toString('hex')}`;
	const password = randomBytes(12).toString('hex');
	let app: postgres.Sql;

	beforeAll(async () => {
		await sql.unsafe(`create role ${role} login password '${password}'`);
		await grantAppRole(sql, role);
		const url = new URL(process.env.DATABASE_URL!);
		url.username = role;
		url.password = password;
		app = postgres(url.toString(), { max: 1, onnotice: () => {}, transform: postgres.camel });
	});
	afterAll(async () => {
		await app?.end({ timeout: 5 });
		await sql.unsafe(`reassign owned by ${role} to current_user; drop owned by ${role}; drop role ${role}`);
	});

	/** PostgreSQL's refusal of a statement run as the app's role. */
	const refused = async (statement: string) => {
		const error = await app.unsafe(statement).then(
			() => null,
			(e: { code?: string }) => e
		);
		return error?.code;
	};

	it('may write and read the audit log, never change, delete, truncate or step around it', async () => {
		await app`insert into audit_log (action, entity) values ('test.as_app', 'test')`;
		const [row] = await app<{ id: string }[]>`select id::text from audit_log where action = 'test.as_app'`;
		expect(row).toBeDefined();
		for (const statement of [
			`update audit_log set action = 'x' where id = ${row!.id}`,
			`delete from audit_log where id = ${row!.id}`,
			'truncate audit_log',
			'alter table audit_log disable trigger audit_log_no_update',
			'alter table audit_log disable trigger all',
			'drop trigger audit_log_stamp on audit_log',
			'set session_replication_role = replica',
			'delete from audit_seals',
			'update audit_seals set hash = hash',
			'truncate audit_seals',
			'alter table audit_seals disable trigger all',
			'drop table audit_log'
		]) {
			expect.soft(await refused(statement), statement).toBe('42501');
		}
		expect(await refused('create table sneaky (id int)')).toBe('42501');
		expect(await refused(`insert into schema_migrations (name, checksum) values ('9999_x.sql', 'x')`)).toBe('42501');
	});

	it('does the work of the app: reads and writes the records, enqueues jobs', async () => {
		const [unit] = await app<{ id: string }[]>`update units set name = name where id = ${city.deptA.id} returning id`;
		expect(unit!.id).toBe(city.deptA.id);
		const [jobs] = await app<{ n: number }[]>`select count(*)::int as n from pgboss.job`;
		expect(jobs!.n).toBeGreaterThanOrEqual(0);
		expect(await sealAudit(app as never)).toBeGreaterThanOrEqual(1);
	});

	it('starts the app only on a database the owner has migrated, unchanged', async () => {
		await expect(migrateOrCheck(app as never, migrationFiles)).resolves.toMatchObject({ applied: [] });
		const missing = { name: '9999_later.sql', text: 'select 1' };
		await expect(migrateOrCheck(app as never, [...migrationFiles, missing])).rejects.toThrow(PendingMigrationsError);
		const edited = { ...migrationFiles[0]!, text: migrationFiles[0]!.text + '\n-- edited' };
		await expect(migrateOrCheck(app as never, [edited])).rejects.toThrow(EditedMigrationError);
	});
});
