// The public face of opinions/: what other domains may use. Anything else in this folder is its own business.

export { markResponded } from './flows.ts';
