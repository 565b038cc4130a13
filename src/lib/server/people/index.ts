// The public face of people/: what other domains may use. Anything else in this folder is its own business.

export { getPasswordHash, getPerson } from './queries.ts';
