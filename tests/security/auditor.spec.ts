// The auditor (审计员) reads everything and changes nothing: every mutation of appRouter but the few about their own
// account is refused before it runs, with the reason in Chinese and the refusal in the log; what the office reads
// (rules, breaches, the audit log) and every unit's records, the auditor reads too.
import { TRPCError } from '@trpc/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/lib/server/db.ts';
import { AUDITOR_MAY } from '../../src/lib/server/trpc/init.ts';
import { appRouter } from '../../src/lib/server/trpc/root.ts';
import { anonymousCaller, logMajorIncident, makeCity, makePerson, signInAs, type SignedIn } from '../../src/lib/server/test-helpers.ts';

type Procedure = { _def: { type: string } };
const procedures = (appRouter as unknown as { _def: { procedures: Record<string, Procedure> } })._def.procedures;
const mutations = Object.entries(procedures)
	.filter(([, p]) => p._def.type === 'mutation')
	.map(([path]) => path);

let city: Awaited<ReturnType<typeof makeCity>>;
let auditor: SignedIn;
beforeAll(async () => {
	city = await makeCity();
	await makePerson(city.office.id, ['auditor'], { username: 'the-auditor', name: '审计员甲' });
	auditor = await signInAs('the-auditor');
});

/** Calls `path` as `caller`, as the HTTP handler would, with no input: the gates come before the input. */
async function call(caller: unknown, path: string): Promise<unknown> {
	const fn = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], caller) as (input?: unknown) => Promise<unknown>;
	return fn(undefined).then(
		() => null,
		(e: unknown) => e
	);
}

describe('the auditor', () => {
	it('is refused every change but those to their own account, in Chinese, each refusal in the log', async () => {
		const own = mutations.filter((p) => AUDITOR_MAY.some((prefix) => p.startsWith(prefix)));
		expect(own.length).toBeGreaterThan(3);
		// a receipt from a phone's service worker is nobody's change (its token is the key): open to anyone, auditors too
		const open: string[] = [];
		for (const p of mutations) {
			const e = await call(anonymousCaller(), p);
			if (!(e instanceof TRPCError && e.code === 'UNAUTHORIZED')) open.push(p);
		}
		expect(open).toEqual(['delivery.receipt']);
		const refused = mutations.filter((p) => !own.includes(p) && !open.includes(p));
		expect(refused.length).toBeGreaterThan(60);
		const [before] = await sql<{ n: number }[]>`select count(*)::int as n from audit_log where action = 'access.refused' and actor_id = ${auditor.user.id}`;
		const wrong: string[] = [];
		for (const path of refused) {
			const error = await call(auditor.caller, path);
			if (!(error instanceof TRPCError) || error.code !== 'FORBIDDEN' || error.message !== '审计员只能查看，不能更改') wrong.push(`${path}: ${String(error)}`);
		}
		expect(wrong).toEqual([]);
		const [after] = await sql<{ n: number }[]>`select count(*)::int as n from audit_log where action = 'access.refused' and actor_id = ${auditor.user.id}`;
		expect(after!.n - before!.n).toBe(refused.length);
	});

	it("reads what the office reads, and every department's records", async () => {
		const { incident } = await logMajorIncident(city.staffB, city.deptB.id, new Date(Date.now() - 30 * 60_000));
		const list = await auditor.caller.incident.list({});
		expect(list.items.map((i) => i.id)).toContain(incident.id);
		await expect(auditor.caller.incident.byId({ id: incident.id })).resolves.toMatchObject({ id: incident.id });
		await expect(auditor.caller.rule.list()).resolves.toBeDefined();
		await expect(auditor.caller.breach.list()).resolves.toMatchObject({ items: [] });
		await expect(auditor.caller.audit.chain()).resolves.toMatchObject({ sealed: expect.any(Number) });
		const log = await auditor.caller.audit.records({ action: 'incident.logged' });
		expect(log.items.map((r) => r.entityId)).toContain(incident.id);
	});

	it('finds refusals and failed sign-ins by filter, and nobody else below the top office reads the log', async () => {
		const page = await auditor.caller.audit.records({ refusals: true, limit: 100 });
		expect(page.items.length).toBeGreaterThan(0);
		expect(new Set(page.items.map((r) => r.action))).toEqual(new Set(['access.refused']));
		const deptAdmin = await signInAs('admin-a');
		await expect(deptAdmin.caller.audit.records({})).rejects.toMatchObject({ code: 'FORBIDDEN' });
		const top = await signInAs('office-admin');
		const mine = await top.caller.audit.records({ person: '审计员', limit: 5 });
		expect(mine.items.every((r) => r.actorName === '审计员甲')).toBe(true);
	});
});
