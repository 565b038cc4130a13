// The public face of files/: what other domains may use. Anything else in this folder is its own business.

export { readableFile } from './queries.ts';
