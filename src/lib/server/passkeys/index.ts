// The public face of passkeys/: what other domains may use. Anything else in this folder is its own business.

export { hasPasskey } from './queries.ts';
export { secondFactorProof, stepUpOptions, verifyStepUp } from './step-up.ts';
export type { SecondFactorProof } from './step-up.ts';
