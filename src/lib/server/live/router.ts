import { sql } from '../db.ts';
import { authedProcedure, router } from '../trpc/init.ts';
import { isInSubtree } from '../units/queries.ts';
import { scopeRoot } from '../units/scope.ts';
import { changes } from './bus.ts';

export const liveRouter = router({
	/**
	 * What changed, as far as this person may know: subjects in their reach and their own inbox.
	 * The screens refetch through their usual (scoped) queries; only ids travel here.
	 */
	changes: authedProcedure.subscription(async function* ({ ctx, signal }) {
		const scope = scopeRoot(ctx.user);
		for await (const change of changes(signal ?? new AbortController().signal)) {
			if (change.kind === 'inbox') {
				if (change.personId === ctx.user.id) yield change;
			} else if (scope === null || (change.unitId !== null && (await isInSubtree(sql, scope, change.unitId)))) {
				yield { kind: change.kind, subject: change.subject, id: change.id };
			}
		}
	})
});
