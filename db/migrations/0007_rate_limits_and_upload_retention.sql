-- Limits that hold across every app instance: the write counters of rate-limiter-flexible's PostgreSQL store
-- (src/lib/server/auth/write-limits.ts), each person's daily upload allowance, and what the cleanup of
-- uploaded files that no record uses needs to find them quickly.

-- Counters, not records: a schema of their own keeps them apart from the office's data (and out of the access
-- suite's "nothing changed" digest of public tables). The columns are the ones the library reads and writes:
-- key `<prefix>:<person or address>`, points used, expiry in epoch milliseconds.
create schema rate_limit;
create table rate_limit.counters (
	key varchar(255) primary key,
	points integer not null default 0,
	expire bigint
);
create index counters_expire on rate_limit.counters (expire);

-- Each person's uploads in the last 24 hours, counted from their file rows (POST /api/files).
create index files_uploaded_by on files (uploaded_by, created_at);
-- Unreferenced uploads older than a day are removed (the files.cleanup job): the arrays that hold file ids.
create index files_created_at on files (created_at);
create index document_versions_file_ids on document_versions using gin (file_ids);
create index material_versions_file_ids on material_versions using gin (file_ids);
create index opinion_sightings_screenshot_ids on opinion_sightings using gin (screenshot_ids);

insert into settings (key, value) values ('files.daily_max_files', '200'), ('files.daily_max_mb', '1024');
