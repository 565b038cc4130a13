// The public face of timeline/: what other domains may use. Anything else in this folder is its own business.

export { addEvent, timelineFor, timelineOut } from './queries.ts';
