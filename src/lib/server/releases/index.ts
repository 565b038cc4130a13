// The public face of releases/: what other domains may use. Anything else in this folder is its own business.

export { cleanText } from './content.ts';
export { releaseVisible } from './queries.ts';
export { releaseSignoff } from './signoff.ts';
