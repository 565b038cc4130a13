-- A subject's timeline read a page at a time, latest first (timeline/queries.ts timelinePage): the lines of one
-- subject in the order the timeline shows them, by the minute (taken in UTC: an index may hold that, and its
-- minutes are Beijing's) and then the order they were written in.
create index timeline_subject_minute on timeline_events (subject, subject_id, date_trunc('minute', at at time zone 'UTC'), id);
