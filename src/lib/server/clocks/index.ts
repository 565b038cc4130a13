// The public face of clocks/: what other domains may use. Anything else in this folder is its own business.

export { moveClocks, reassignClocks, rescheduleClocks } from './changes.ts';
export { countdownText } from './countdown.ts';
export { addWorkingDays, cstMidnight, yearsReached } from './deadline.ts';
export type { Calendar } from './deadline.ts';
export { acknowledgeClock, cancelClocks, satisfyClocks, startClocks } from './flows.ts';
export { clocksSeen } from './out.ts';
export { clocksOf } from './queries.ts';
export type { SatisfiedBy, Subject } from './queries.ts';
export { recipientsFor } from './recipients.ts';
export { RULE, majorLevels } from './rules.ts';
