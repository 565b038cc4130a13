import { TRPCError } from '@trpc/server';
import { t } from '../../i18n/index.ts';
import { sql } from '../db.ts';
import { authedProcedure, router } from '../trpc/index.ts';
import { chainStatus, verifyAndAlert } from './chain.ts';
import { readsAuditLog } from './export.ts';
import { auditPageInput, auditRecords } from './records.ts';


const auditReaderProcedure = authedProcedure.use(({ ctx, next }) => {
	if (!readsAuditLog(ctx.actor)) throw new TRPCError({ code: 'FORBIDDEN', message: t('error.forbidden') });
	return next();
});

export const auditRouter = router({
	/** sealed so far, waiting for the next sealing, and the last verification with its anchor */
	chain: auditReaderProcedure.query(() => chainStatus(sql)),
	/** seals what is due and verifies the whole chain now; a broken chain alerts the system administrators */
	verify: auditReaderProcedure.mutation(async ({ ctx }) => {
		await verifyAndAlert(sql, new Date(), ctx.actor);
		return chainStatus(sql);
	}),
	/** The log, newest first, by person, unit, action, subject and time; every unit's, and the system's own rows. */
	records: auditReaderProcedure.input(auditPageInput.default(auditPageInput.parse({}))).query(({ input }) => auditRecords(sql, input, null))
});
