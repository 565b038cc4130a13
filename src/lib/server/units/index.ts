// The public face of units/: what other domains may use. Anything else in this folder is its own business.

export { getUnit } from './queries.ts';
export { inReach, reachesEveryUnit, scopeRoot, scopeUnitOf } from './scope.ts';
