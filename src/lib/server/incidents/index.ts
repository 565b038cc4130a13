// The public face of incidents/: what other domains may use. Anything else in this folder is its own business.

export type { Author } from './flows.ts';
export { getIncident } from './queries.ts';
export type { IncidentRow } from './queries.ts';
