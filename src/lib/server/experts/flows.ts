import { audit, type Actor } from '../audit/index.ts';
import { sql, type Tx } from '../db.ts';
import { FieldError, notFound } from '../errors.ts';
import { findTwin, getExpert, insertExpert, lockExpert, setExpertActive, updateExpert, type ExpertFields, type ExpertRow } from './queries.ts';

/** Audited copy of an expert: the fields a person would compare. */
function snapshot(e: ExpertRow) {
	const { createdAt: _c, updatedAt: _u, ...rest } = e;
	return rest;
}

async function checkTwin(tx: Tx, f: ExpertFields, exceptId: string | null) {
	// The same person entered twice would split their interpretation record in two.
	if (await findTwin(tx, f, exceptId)) throw new FieldError('name', 'expert.duplicate');
}

export async function addExpert(f: ExpertFields, actor: Actor & { personId: string }): Promise<ExpertRow> {
	return sql.begin(async (tx) => {
		await tx`lock table experts in share row exclusive mode`;
		await checkTwin(tx, f, null);
		const id = await insertExpert(tx, f, actor.personId);
		const row = (await getExpert(tx, id))!;
		await audit(tx, actor, { action: 'expert.created', entity: 'expert', entityId: id, after: snapshot(row) });
		return row;
	});
}

export async function editExpert(id: string, f: ExpertFields, actor: Actor): Promise<ExpertRow> {
	return sql.begin(async (tx) => {
		await tx`lock table experts in share row exclusive mode`;
		const before = await lockExpert(tx, id);
		if (!before) throw notFound();
		await checkTwin(tx, f, id);
		await updateExpert(tx, id, f);
		const after = (await getExpert(tx, id))!;
		await audit(tx, actor, { action: 'expert.updated', entity: 'expert', entityId: id, before: snapshot(before), after: snapshot(after) });
		return after;
	});
}

/** A deactivated expert leaves the pickers; the materials that name them keep their record. */
export async function setExpertActivity(id: string, active: boolean, actor: Actor): Promise<ExpertRow> {
	return sql.begin(async (tx) => {
		const before = await lockExpert(tx, id);
		if (!before) throw notFound();
		if (before.active === active) return before;
		await setExpertActive(tx, id, active);
		const after = (await getExpert(tx, id))!;
		await audit(tx, actor, {
			action: active ? 'expert.reactivated' : 'expert.deactivated',
			entity: 'expert',
			entityId: id,
			before: snapshot(before),
			after: snapshot(after)
		});
		return after;
	});
}
