import { forEveryReader, sql } from '../db.ts';
import { authedProcedure, router } from '../trpc/index.ts';
import { reachesEveryUnit } from '../units/index.ts';
import { changes, type Change } from './bus.ts';
import { unitsAbove } from './queries.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Every subscriber on this instance receives the same Change object: the lookup runs once per change, not once
// per subscriber (as `reaches` would), and is forgotten with the change. It serves them all, so it is nobody's
// request: a phone that hung up first must not make it fail for the others.
const above = new WeakMap<Change, Promise<Set<string>>>();
function unitsAboveOnce(change: Change, unitId: string): Promise<Set<string>> {
	let found = above.get(change);
	if (!found) {
		found = forEveryReader(() => unitsAbove(sql, unitId));
		above.set(change, found);
	}
	return found;
}

export const liveRouter = router({
	/**
	 * What changed, as far as this person may know: subjects in their reach and their own inbox.
	 * The screens refetch through their usual (scoped) queries; only ids travel here.
	 */
	changes: authedProcedure.subscription(({ ctx, signal }) => {
		const { scope, personId } = ctx.actor;
		return changes(signal, async (change) => {
			if (change.kind === 'inbox') return change.personId === personId ? change : null;
			const news = { kind: change.kind, subject: change.subject, id: change.id };
			if (reachesEveryUnit(scope)) return news;
			// A subject of no unit, or a unit id that is not one, is news only for those who reach every unit.
			if (change.unitId === null || !UUID.test(change.unitId)) return null;
			// The same answer as units/scope.ts `reaches`: the unit lies in the scope's subtree when the scope is above it.
			return scope !== null && (await unitsAboveOnce(change, change.unitId)).has(scope) ? news : null;
		});
	})
});
