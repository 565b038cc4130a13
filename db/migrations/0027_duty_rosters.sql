-- Duty rosters (issue 18): each unit's shifts, with the duty officers (值班员), the leader on duty (带班领导) and the
-- duty phone. A ladder step for the duty officer or the leader on duty tells whoever the shift covering that moment
-- names; a unit's shifts never overlap.
create extension if not exists btree_gist;

create table duty_shifts (
	id uuid primary key default gen_random_uuid(),
	unit_id uuid not null references units (id),
	starts_at timestamptz not null,
	ends_at timestamptz not null,
	officer_ids uuid[] not null default '{}' check (cardinality(officer_ids) <= 5),
	leader_id uuid references people (id),
	phone text check (phone ~ '^[0-9+()\- ]{3,30}$'),
	created_by uuid not null references people (id),
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),
	check (ends_at > starts_at and ends_at <= starts_at + interval '48 hours'),
	exclude using gist (unit_id with =, tstzrange(starts_at, ends_at) with &&)
);
create index duty_shifts_unit_time on duty_shifts (unit_id, starts_at);
