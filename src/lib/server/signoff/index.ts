// The public face of signoff/: what other domains may use. Anything else in this folder is its own business.

export { shortCode, submitForSignoff, voidSignoff } from './flows.ts';
export type { ServedClock, Signable, Signer } from './flows.ts';
export type { SignoffKind } from './kind.ts';
export { servedClockOut } from './out.ts';
export { chainOf } from './queries.ts';
export { requestSeen, signoffSeen } from './read.ts';
