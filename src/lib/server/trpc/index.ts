// The public face of trpc/: what other domains may use. Anything else in this folder is its own business.

export { A_DAY_MS, day, moment, text } from './fields.ts';
export { adminProcedure, authedProcedure, officeProcedure, publicProcedure, roleProcedure, router, steppedUp, STEP_UP_WINDOW_MS, topOfficeProcedure } from './init.ts';
export type { createCaller } from './root.ts';
export { labelledAs } from './zod-messages.ts';
