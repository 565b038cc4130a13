// The public face of duty/: what other domains may use. Anything else in this folder is its own business.

export { onDuty } from './audience.ts';
export type { OnDuty } from './audience.ts';
