import { personRouter } from '../people/router.ts';
import { settingsRouter } from '../settings/router.ts';
import { unitRouter } from '../units/router.ts';
import { authedProcedure, createCallerFactory, router } from './init.ts';

export const appRouter = router({
	me: authedProcedure.query(({ ctx }) => ctx.user),
	unit: unitRouter,
	person: personRouter,
	settings: settingsRouter
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
