// The audit viewer (审计记录): the log read by person, unit, action, subject and time, a page at a time, and exported
// whole as CSV or XLSX with each row's seal, so that a copy taken out can be checked against the chain later.
import { z } from 'zod';
import { AUDIT_ACTIONS, AUDIT_FAMILIES, auditActionLabel } from '../../audit-actions.ts';
import { t } from '../../i18n/index.ts';
import { formatDateTime, toIso } from '../../time.ts';
import type { Tx } from '../db.ts';
import { cursor, pageOf } from '../pages.ts';
import { A_DAY_MS, day, text } from '../trpc/index.ts';
import { cstMidnight } from '../clocks/index.ts';
import { inReach } from '../units/index.ts';

/** What counts as a refusal or a failure: the rows an assessor asks for first. */
export const REFUSAL_ACTIONS = ['access.refused', 'sign_in.failed', 'sign_in.refused', 'sign_in.second_factor_failed', 'session.step_up_failed'] as const;

export const auditFilter = z.object({
	/** a name, username or phone, or the start of one */
	person: text(50).nullable().default(null),
	/** the acting person's unit, and those under it */
	unitId: z.uuid().nullable().default(null),
	family: z.enum(AUDIT_FAMILIES as [string, ...string[]]).nullable().default(null),
	action: z.enum(AUDIT_ACTIONS).nullable().default(null),
	/** what the row is about (incident, release, session…) and its id */
	entity: text(60).nullable().default(null),
	entityId: text(100).nullable().default(null),
	from: day.nullable().default(null),
	to: day.nullable().default(null),
	refusals: z.boolean().default(false)
});
export type AuditFilter = z.output<typeof auditFilter>;

export const auditPageInput = auditFilter.extend({
	cursor: cursor(z.tuple([z.number().int().positive()])),
	limit: z.number().int().min(1).max(100).default(50)
});

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

interface RecordRow {
	id: string;
	at: Date;
	actorId: string | null;
	actorName: string | null;
	unitName: string | null;
	action: string;
	entity: string;
	entityId: string | null;
	before: unknown;
	after: unknown;
	ip: string | null;
	userAgent: string | null;
	seal: string | null;
}

function conditions(db: Tx, f: AuditFilter, scope: string | null, afterId: number | null) {
	const like = f.person ? f.person.replace(/[\\%_]/g, (c) => '\\' + c) + '%' : null;
	return db`
		${afterId === null ? db`true` : db`a.id < ${afterId}`}
		and ${inReach(db, db`p.unit_id`, scope)}
		and ${like === null ? db`true` : db`(p.name like ${like} or p.username like ${like.toLowerCase()} or p.phone like ${like})`}
		and ${f.unitId === null ? db`true` : db`p.unit_id in (select unit_subtree(${f.unitId}::uuid))`}
		and ${f.action !== null ? db`a.action = ${f.action}` : f.family !== null ? db`(a.action = ${f.family} or a.action like ${f.family + '.%'})` : db`true`}
		and ${f.entity === null ? db`true` : db`a.entity = ${f.entity}`}
		and ${f.entityId === null ? db`true` : db`a.entity_id = ${f.entityId}`}
		and ${f.from === null ? db`true` : db`a.at >= ${cstMidnight(f.from)}`}
		and ${f.to === null ? db`true` : db`a.at < ${new Date(cstMidnight(f.to).getTime() + A_DAY_MS)}`}
		and ${f.refusals ? db`a.action in ${db(REFUSAL_ACTIONS as unknown as string[])}` : db`true`}`;
}

/** Rows of the log that match, newest first; `scope` null reads every unit's, and rows of no person (the system). */
async function readRecords(db: Tx, f: AuditFilter, scope: string | null, afterId: number | null, limit: number): Promise<RecordRow[]> {
	return db<RecordRow[]>`
		select a.id::text, a.at, a.actor_id, p.name as actor_name, u.name as unit_name, a.action, a.entity, a.entity_id,
			a.before, a.after, a.ip, a.user_agent, s.hash as seal
		from audit_log a
		left join people p on p.id = a.actor_id
		left join units u on u.id = p.unit_id
		left join audit_seals s on s.audit_id = a.id
		where ${conditions(db, f, scope, afterId)}
		order by a.id desc
		limit ${limit}`;
}

const recordOut = (r: RecordRow) => ({
	id: r.id,
	at: toIso(r.at),
	actorId: r.actorId,
	actorName: r.actorName,
	unitName: r.unitName,
	action: r.action,
	entity: r.entity,
	entityId: r.entityId,
	// the log keeps objects (and the occasional list or value): shown and exported as they are
	before: r.before as Json,
	after: r.after as Json,
	ip: r.ip,
	userAgent: r.userAgent,
	sealed: r.seal !== null
});
export type AuditRecordOut = ReturnType<typeof recordOut>;

export async function auditRecords(db: Tx, input: z.output<typeof auditPageInput>, scope: string | null) {
	const rows = await readRecords(db, input, scope, input.cursor?.[0] ?? null, input.limit + 1);
	return pageOf(rows, input.limit, (r) => [Number(r.id)], recordOut);
}

/** The most rows one export carries: a year of a province's log is about this; a narrower filter gives the rest. */
export const EXPORT_MAX_ROWS = 200_000;
const EXPORT_BATCH = 2_000;

/** The columns of an export, in the interface language. */
export const exportColumns = () => [
	t('audit.col_id'),
	t('audit.col_at'),
	t('audit.col_person'),
	t('audit.col_unit'),
	t('audit.col_action'),
	t('audit.col_action_code'),
	t('audit.col_entity'),
	t('audit.col_entity_id'),
	t('audit.col_ip'),
	t('audit.col_device'),
	t('audit.col_before'),
	t('audit.col_after'),
	t('audit.col_seal')
];

const json = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v));

function cells(r: RecordRow): string[] {
	return [
		r.id,
		formatDateTime(r.at),
		r.actorName ?? t('audit.system'),
		r.unitName ?? '',
		auditActionLabel(r.action),
		r.action,
		r.entity,
		r.entityId ?? '',
		r.ip ?? '',
		r.userAgent ?? '',
		json(r.before),
		json(r.after),
		r.seal ?? ''
	];
}

/**
 * The matching rows as lines of cells, newest first, read in batches (no connection held between them) up to
 * EXPORT_MAX_ROWS. Each statement runs under the pool's statement timeout like any other.
 */
export async function* exportRows(db: Tx, f: AuditFilter, scope: string | null): AsyncGenerator<string[]> {
	let after: number | null = null;
	let sent = 0;
	while (sent < EXPORT_MAX_ROWS) {
		const rows = await readRecords(db, f, scope, after, Math.min(EXPORT_BATCH, EXPORT_MAX_ROWS - sent));
		for (const r of rows) yield cells(r);
		sent += rows.length;
		if (rows.length < EXPORT_BATCH) return;
		after = Number(rows.at(-1)!.id);
	}
}
