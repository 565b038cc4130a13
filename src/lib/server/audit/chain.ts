// The audit log's hash chain (db/migrations/0024_audit_chain.sql): rows are sealed in the order of the transactions
// that wrote them, each seal holding the hash of its row's content and of the seal before; verifying recomputes the
// chain and names the first row that no longer matches. Sealing runs every minute as a job, verifying every night
// and on demand (`npm run audit:verify`).
import { createHash } from 'node:crypto';
import { text } from '../../i18n/index.ts';
import { toIso } from '../../time.ts';
import type { Sql, Tx } from '../db.ts';
import { sendNotice } from '../notify/index.ts';
import { audit, SYSTEM_ACTOR, type Actor } from './log.ts';

/** SM3 (GB/T 32905, as MLPS assessors expect) unless AUDIT_HASH=sha256; each seal names its own, so a change of setting keeps the older seals checkable. */
export type ChainAlgorithm = 'sm3' | 'sha256';
export const chainAlgorithm = (env: NodeJS.ProcessEnv = process.env): ChainAlgorithm => (env.AUDIT_HASH === 'sha256' ? 'sha256' : 'sm3');

/** A seal's hash: H(the previous seal's hash, a newline, the row's content); the first seal starts from nothing. */
export function linkHash(algorithm: ChainAlgorithm, previous: string, content: string): string {
	return createHash(algorithm).update(previous).update('\n').update(content).digest('hex');
}

// One sealer at a time across every instance; one that finds it taken leaves the work to the other.
const SEAL_LOCK = 7_316_420_015;
const SEAL_BATCH = 1_000;

interface Head {
	seq: string;
	hash: string;
	xid: string;
	auditId: string;
}

/**
 * Seals every audit row whose transaction, and every transaction older than it, has ended: in the order
 * (transaction, row), so a row that commits late never falls behind a seal already made. Each batch in a
 * transaction of its own; at most `maxBatches` of them in one call. Returns how many rows were sealed.
 */
export async function sealAudit(db: Sql, opts: { algorithm?: ChainAlgorithm; batch?: number; maxBatches?: number } = {}): Promise<number> {
	const algorithm = opts.algorithm ?? chainAlgorithm();
	const batch = opts.batch ?? SEAL_BATCH;
	let sealed = 0;
	for (let i = 0; i < (opts.maxBatches ?? 100); i++) {
		const n = await db.begin(async (tx) => {
			const [lock] = await tx<{ locked: boolean }[]>`select pg_try_advisory_xact_lock(${SEAL_LOCK}) as locked`;
			if (!lock!.locked) return 0;
			const [head] = await tx<Head[]>`
				select s.seq::text, s.hash, s.xid::text, s.audit_id::text from audit_seals s order by s.seq desc limit 1`;
			const rows = await tx<{ id: string; xid: string; content: string }[]>`
				select a.id::text, a.xid::text, audit_content(a) as content from audit_log a
				where a.xid < pg_snapshot_xmin(pg_current_snapshot())
					and (${head?.xid ?? null}::xid8 is null or (a.xid, a.id) > (${head?.xid ?? null}::xid8, ${head?.auditId ?? null}::bigint))
				order by a.xid, a.id limit ${batch}`;
			if (!rows.length) return 0;
			let seq = BigInt(head?.seq ?? 0);
			let previous = head?.hash ?? '';
			const seals = rows.map((r) => {
				previous = linkHash(algorithm, previous, r.content);
				return { seq: String(++seq), auditId: r.id, xid: r.xid, algorithm, hash: previous };
			});
			await tx`insert into audit_seals ${tx(seals, 'seq', 'auditId', 'xid', 'algorithm', 'hash')}`;
			return rows.length;
		});
		sealed += n;
		if (n < batch) break;
	}
	return sealed;
}

/** A seal and the hash it should have, as printed in an export: a rewrite of the whole chain does not keep it. */
export interface Anchor {
	seq: string;
	hash: string;
}

export type BreakReason = 'changed' | 'missing' | 'gap' | 'unsealed' | 'anchor';

export interface ChainReport {
	/** how many seals were checked */
	checked: number;
	/** the last seal: an anchor to keep */
	head: Anchor | null;
	/** the first place the chain does not hold: the seal and the audit row it names */
	broken: { seq: string | null; auditId: string | null; reason: BreakReason } | null;
}

const VERIFY_BATCH = 5_000;

/**
 * Recomputes the whole chain from the rows as they are now. Finds a row changed (its content no longer gives its
 * seal's hash), a sealed row deleted, a seal missing from the sequence, a row slipped in behind the seals (below
 * the last sealed transaction, with no seal), and a chain rewritten since an anchor was taken.
 */
export async function verifyAudit(db: Tx, anchors: Anchor[] = []): Promise<ChainReport> {
	const wanted = new Map(anchors.map((a) => [a.seq, a.hash]));
	let after = 0n;
	let previous = '';
	let checked = 0;
	let head: Anchor | null = null;
	for (;;) {
		const seals = await db<{ seq: string; auditId: string; algorithm: ChainAlgorithm; hash: string; content: string | null }[]>`
			select s.seq::text, s.audit_id::text, s.algorithm, s.hash, case when a.id is null then null else audit_content(a) end as content
			from audit_seals s left join audit_log a on a.id = s.audit_id
			where s.seq > ${String(after)}::bigint order by s.seq limit ${VERIFY_BATCH}`;
		for (const s of seals) {
			const at = { seq: s.seq, auditId: s.auditId };
			if (BigInt(s.seq) !== after + 1n) return { checked, head, broken: { seq: String(after + 1n), auditId: null, reason: 'gap' } };
			if (s.content === null) return { checked, head, broken: { ...at, reason: 'missing' } };
			if (linkHash(s.algorithm, previous, s.content) !== s.hash) return { checked, head, broken: { ...at, reason: 'changed' } };
			const anchored = wanted.get(s.seq);
			if (anchored !== undefined && anchored !== s.hash) return { checked, head, broken: { ...at, reason: 'anchor' } };
			wanted.delete(s.seq);
			previous = s.hash;
			after = BigInt(s.seq);
			checked++;
			head = { seq: s.seq, hash: s.hash };
		}
		if (seals.length < VERIFY_BATCH) break;
	}
	// an anchor beyond the last seal: the chain was cut back
	const [lost] = [...wanted.keys()];
	if (lost !== undefined) return { checked, head, broken: { seq: lost, auditId: null, reason: 'anchor' } };
	if (head) {
		const [slipped] = await db<{ id: string }[]>`
			select a.id::text from audit_log a, (select xid, audit_id from audit_seals where seq = ${head.seq}::bigint) h
			where (a.xid, a.id) < (h.xid, h.audit_id) and not exists (select 1 from audit_seals s where s.audit_id = a.id)
			order by a.xid, a.id limit 1`;
		if (slipped) return { checked, head, broken: { seq: null, auditId: slipped.id, reason: 'unsealed' } };
	}
	return { checked, head, broken: null };
}

/**
 * The nightly check: seals what is due, verifies the chain, keeps the result for the office's screen and, when the
 * chain is broken, puts that on the record and tells every system administrator at once, by every channel.
 */
export async function verifyAndAlert(db: Sql, now: Date = new Date(), by: Actor = SYSTEM_ACTOR): Promise<ChainReport> {
	await sealAudit(db);
	const report = await verifyAudit(db);
	await db.begin(async (tx) => {
		// a check a person asked for is on the record like any other action of theirs
		if (by.personId) await audit(tx, by, { action: 'audit.verified', entity: 'audit_log', entityId: null, after: { checked: report.checked, head: report.head, broken: report.broken } });
		await tx`
			insert into audit_verifications (at, checked, head_seq, head_hash, broken_seq, broken_audit_id, reason)
			values (${now}, ${report.checked}, ${report.head?.seq ?? null}, ${report.head?.hash ?? null},
				${report.broken?.seq ?? null}, ${report.broken?.auditId ?? null}, ${report.broken?.reason ?? null})`;
		if (!report.broken) return;
		await audit(tx, SYSTEM_ACTOR, { action: 'audit.chain_broken', entity: 'audit_log', entityId: report.broken.auditId, after: report.broken });
		const admins = await tx<{ id: string }[]>`select id from people where active and 'sysadmin' = any(roles)`;
		const row = report.broken.auditId ?? report.broken.seq ?? '';
		await sendNotice(tx, admins.map((a) => a.id), {
			kind: 'alert',
			urgency: 'critical',
			title: text('audit.chain_broken_title'),
			body: text(`audit.broken.${report.broken.reason}`, { row }),
			url: '/admin/audit',
			subject: null
		}, now);
	});
	return report;
}

export interface ChainStatus {
	/** seals made so far (the last one's number) and when the last was made */
	sealed: number;
	lastSealedAt: string | null;
	/** rows written since, waiting for the next sealing (within a minute) */
	waiting: number;
	/** the last verification, by the nightly job or a person */
	last: {
		at: string;
		checked: number;
		head: Anchor | null;
		broken: ChainReport['broken'];
	} | null;
}

/** The chain's state for the office's screen: read from the seals' head and an index range, never a count of the whole log. */
export async function chainStatus(db: Tx): Promise<ChainStatus> {
	const [head] = await db<{ seq: string; xid: string; auditId: string; sealedAt: Date }[]>`
		select s.seq::text, s.xid::text, s.audit_id::text, s.sealed_at from audit_seals s order by s.seq desc limit 1`;
	const [waiting] = await db<{ n: number }[]>`
		select count(*)::int as n from audit_log a
		where ${head?.xid ?? null}::xid8 is null or (a.xid, a.id) > (${head?.xid ?? null}::xid8, ${head?.auditId ?? null}::bigint)`;
	const [last] = await db<{ at: Date; checked: string; headSeq: string | null; headHash: string | null; brokenSeq: string | null; brokenAuditId: string | null; reason: BreakReason | null }[]>`
		select at, checked::text, head_seq::text, head_hash, broken_seq::text, broken_audit_id::text, reason
		from audit_verifications order by at desc, id desc limit 1`;
	return {
		sealed: Number(head?.seq ?? 0),
		lastSealedAt: head ? toIso(head.sealedAt) : null,
		waiting: waiting!.n,
		last: last
			? {
					at: toIso(last.at),
					checked: Number(last.checked),
					head: last.headSeq && last.headHash ? { seq: last.headSeq, hash: last.headHash } : null,
					broken: last.reason ? { seq: last.brokenSeq, auditId: last.brokenAuditId, reason: last.reason } : null
				}
			: null
	};
}
