// The public face of documents/: what other domains may use. Anything else in this folder is its own business.

export { documentVisible, versionVisible } from './queries.ts';
export { documentSignoff } from './signoff.ts';
