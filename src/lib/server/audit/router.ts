import { sql } from '../db.ts';
import { router, topOfficeProcedure } from '../trpc/index.ts';
import { chainStatus, verifyAndAlert } from './chain.ts';

// The audit log spans the whole organisation: its integrity is the top office's (or a system administrator's) to check.
export const auditRouter = router({
	/** sealed so far, waiting for the next sealing, and the last verification with its anchor */
	chain: topOfficeProcedure.query(() => chainStatus(sql)),
	/** seals what is due and verifies the whole chain now; a broken chain alerts the system administrators */
	verify: topOfficeProcedure.mutation(async ({ ctx }) => {
		await verifyAndAlert(sql, new Date(), ctx.actor);
		return chainStatus(sql);
	})
});
