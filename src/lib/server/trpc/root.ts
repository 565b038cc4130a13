import { clockRouter } from '../clocks/router.ts';
import { inboxRouter } from '../inbox/router.ts';
import { incidentRouter } from '../incidents/router.ts';
import { personRouter } from '../people/router.ts';
import { settingsRouter } from '../settings/router.ts';
import { unitRouter } from '../units/router.ts';
import { authedProcedure, createCallerFactory, router } from './init.ts';

export const appRouter = router({
	me: authedProcedure.query(({ ctx }) => ctx.user),
	unit: unitRouter,
	person: personRouter,
	settings: settingsRouter,
	incident: incidentRouter,
	clock: clockRouter,
	inbox: inboxRouter
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
