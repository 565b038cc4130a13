// The public face of auth/: what other domains may use. Anything else in this folder is its own business.

export { hashPassword, passwordProblem, verifyPassword } from './password.ts';
export { invalidatePersonSessions } from './session.ts';
export type { Session, SessionUser } from './session.ts';
export { ACCOUNT_MAX_FAILURES, clearFailures, isLocked, recordFailure } from './throttle.ts';
export { writeLimiter } from './write-limits.ts';
export { removeTotp, sealStoredTotpKeys } from './totp.ts';
