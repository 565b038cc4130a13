// The public face of live/: what other domains may use. Anything else in this folder is its own business.

export { announce, announceMany } from './bus.ts';
