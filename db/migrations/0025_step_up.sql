-- Step-up (issue 15): when the person behind a session last proved who they are (signed in, or gave their password
-- again). Changing people, roles, rules, channel secrets and settings needs this within the last 15 minutes.
alter table sessions add column authenticated_at timestamptz not null default now();
