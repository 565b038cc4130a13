-- Units, people, sessions, sign-in throttling, office settings and the append-only audit log.
-- Plain SQL that PostgreSQL 15 accepts.

create table units (
	id uuid primary key default gen_random_uuid(),
	name text not null check (length(btrim(name)) between 1 and 100),
	parent_id uuid references units (id),
	kind text not null check (kind in ('region', 'government', 'office', 'department')),
	is_key_department boolean not null default false,
	principal_id uuid,
	leader_in_charge_id uuid,
	active boolean not null default true,
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),
	check (parent_id is null or parent_id <> id)
);
create unique index units_sibling_name on units (coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), name);
create index units_parent on units (parent_id);

create table people (
	id uuid primary key default gen_random_uuid(),
	name text not null check (length(btrim(name)) between 1 and 50),
	username text unique check (username ~ '^[a-z][a-z0-9_.-]{2,31}$'),
	phone text unique check (phone ~ '^1[3-9][0-9]{9}$'),
	unit_id uuid not null references units (id),
	roles text[] not null default '{}' check (
		roles <@ array['duty', 'press_officer', 'spokesperson', 'leader', 'principal', 'office_admin', 'sysadmin']::text[]
	),
	password_hash text not null,
	active boolean not null default true,
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),
	check (username is not null or phone is not null)
);
create index people_unit on people (unit_id);

alter table units add constraint units_principal_fk foreign key (principal_id) references people (id);
alter table units add constraint units_leader_fk foreign key (leader_in_charge_id) references people (id);

-- Only the SHA-256 of a session token is stored (the Lucia way).
create table sessions (
	id text primary key,
	person_id uuid not null references people (id),
	created_at timestamptz not null default now(),
	last_seen_at timestamptz not null default now(),
	expires_at timestamptz not null,
	ip text,
	user_agent text
);
create index sessions_person on sessions (person_id);

-- Failures per sign-in name (whether or not the account exists) and per client address.
create table sign_in_throttle (
	key text primary key,
	failures integer not null default 0,
	window_started_at timestamptz not null default now(),
	locked_until timestamptz
);

create table settings (
	key text primary key,
	value jsonb not null,
	updated_at timestamptz not null default now(),
	updated_by uuid references people (id)
);
insert into settings (key, value) values
	('session.idle_hours', '12'),
	('session.absolute_days', '30');

create table audit_log (
	id bigint generated always as identity primary key,
	at timestamptz not null default now(),
	actor_id uuid references people (id),
	action text not null,
	entity text not null,
	entity_id text,
	before jsonb,
	after jsonb,
	ip text,
	user_agent text
);
create index audit_log_entity on audit_log (entity, entity_id, at);
create index audit_log_actor on audit_log (actor_id, at);

create function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
	raise exception 'audit_log is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
end;
$$;
create trigger audit_log_no_update before update or delete on audit_log
	for each row execute function audit_log_is_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
	for each statement execute function audit_log_is_append_only();

-- A unit and everything below it: the reach of a person working in that unit.
create function unit_subtree(root uuid) returns setof uuid language sql stable as $$
	with recursive t(id) as (
		select id from units where id = root
		union all
		select u.id from units u join t on u.parent_id = t.id
	)
	select id from t
$$;
