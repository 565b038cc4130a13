// The public face of audit/: what other domains may use. Anything else in this folder is its own business.

export { SYSTEM_ACTOR, audit, auditRefusal } from './log.ts';
export type { Actor } from './log.ts';
export { sealAudit, verifyAndAlert, verifyAudit } from './chain.ts';
export type { Anchor, ChainReport } from './chain.ts';
