// The public face of calendar/: what other domains may use. Anything else in this folder is its own business.

export { loadCalendar } from './queries.ts';
