-- Policy documents with their interpretation packages, the working-day calendar, the expert pool, files
-- in a blob store, and sign-off generalised from releases to documents.

-- ---- the working-day calendar ---------------------------------------------------------------------
-- A year is known once it is entered: seeded from the chinese-days package, or typed in by the office from
-- the State Council's notice. Within a known year a date is a working day when it is Monday to Friday and
-- not a holiday, or when it is an adjusted working day (调休上班).
create table calendar_years (
	year integer primary key check (year between 2000 and 2100),
	origin text not null check (origin in ('package', 'notice')),
	source text not null check (length(btrim(source)) between 1 and 200),
	entered_by uuid references people (id),
	entered_at timestamptz not null default now()
);

create table calendar_days (
	date date primary key,
	year integer not null references calendar_years (year) on delete cascade,
	kind text not null check (kind in ('holiday', 'workday')),
	name text not null default '' check (length(name) <= 40),
	check (extract(year from date) = year)
);

-- A deadline counted on Monday-to-Friday because its year was not entered yet says so until it is.
alter table clocks add column calendar_warning boolean not null default false;

-- ---- files --------------------------------------------------------------------------------------
create table files (
	id uuid primary key default gen_random_uuid(),
	sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
	size bigint not null check (size > 0),
	mime text not null,
	name text not null check (length(btrim(name)) between 1 and 200),
	storage_key text not null unique,
	uploaded_by uuid not null references people (id),
	created_at timestamptz not null default now()
);

-- ---- the expert pool ------------------------------------------------------------------------------
create table experts (
	id uuid primary key default gen_random_uuid(),
	name text not null check (length(btrim(name)) between 1 and 50),
	field text not null check (length(btrim(field)) between 1 and 100),
	organisation text not null default '' check (length(organisation) <= 100),
	contact text not null default '' check (length(contact) <= 100),
	active boolean not null default true,
	created_by uuid not null references people (id),
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now()
);

-- ---- documents -----------------------------------------------------------------------------------
create table documents (
	id uuid primary key default gen_random_uuid(),
	unit_id uuid not null references units (id),
	interpreting_unit_id uuid not null references units (id),
	drafter_id uuid not null references people (id),
	status text not null default 'drafting' check (status in ('drafting', 'submitted', 'signed', 'published', 'amended', 'abolished', 'expired')),
	-- while submitted: in confidentiality review, or waiting for sign-off
	stage text check (stage in ('in_review', 'awaiting_signoff')),
	current_version integer not null default 1,
	status_reason text,
	published_at timestamptz,
	published_url text check (published_url is null or published_url ~ '^https?://'),
	ended_at timestamptz,
	marked_at timestamptz,
	marked_url text check (marked_url is null or marked_url ~ '^https?://'),
	amended_by_id uuid references documents (id),
	created_by uuid not null references people (id),
	client_key uuid,
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),
	unique (created_by, client_key),
	check ((status = 'submitted') = (stage is not null))
);
create index documents_unit on documents (unit_id, updated_at desc);

-- The document's text and its interpretation plan; immutable, hashed like a release's versions.
create table document_versions (
	document_id uuid not null references documents (id),
	number integer not null,
	title text not null check (length(btrim(title)) between 1 and 200),
	doc_number text not null default '' check (length(doc_number) <= 60),
	body text not null default '' check (length(body) <= 100000),
	disclosure text not null check (disclosure in ('proactive', 'on_request', 'withheld')),
	withheld_reason text not null default '' check (length(withheld_reason) <= 1000),
	plan_interpreter text not null default '' check (length(plan_interpreter) <= 200),
	plan_approach text not null default '' check (length(plan_approach) <= 2000),
	plan_channels text[] not null default '{}',
	plan_timing text not null default '' check (length(plan_timing) <= 200),
	-- no interpretation, with the reason on record
	exemption_reason text not null default '' check (length(exemption_reason) <= 1000),
	file_ids uuid[] not null default '{}',
	hash text not null check (hash ~ '^[0-9a-f]{64}$'),
	created_by uuid not null references people (id),
	created_at timestamptz not null default now(),
	primary key (document_id, number),
	check (disclosure <> 'withheld' or length(btrim(withheld_reason)) > 0)
);

create table materials (
	id uuid primary key default gen_random_uuid(),
	document_id uuid not null references documents (id),
	kind text not null check (kind in ('text', 'graphic', 'video', 'qa', 'expert_interview', 'principal')),
	expert_id uuid references experts (id),
	-- for a principal's own interpretation: who gave it
	interpreter_id uuid references people (id),
	current_version integer not null default 1,
	published_at timestamptz,
	published_url text check (published_url is null or published_url ~ '^https?://'),
	removed_at timestamptz,
	created_by uuid not null references people (id),
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now()
);
create index materials_document on materials (document_id);

create table material_versions (
	material_id uuid not null references materials (id),
	number integer not null,
	title text not null check (length(btrim(title)) between 1 and 200),
	body text not null default '' check (length(body) <= 50000),
	file_ids uuid[] not null default '{}',
	hash text not null check (hash ~ '^[0-9a-f]{64}$'),
	created_by uuid not null references people (id),
	created_at timestamptz not null default now(),
	primary key (material_id, number)
);

-- ---- sign-off for documents -------------------------------------------------------------------------
-- A request, review and approval belong to a release or to a document. For a document, `version_hash` is the
-- bundle's hash and `covers` lists the hashes it is made of: the document version and every material version.
alter table signoff_requests
	alter column release_id drop not null,
	add column document_id uuid references documents (id),
	add column covers jsonb,
	add constraint signoff_requests_subject check (num_nonnulls(release_id, document_id) = 1);
create unique index signoff_requests_one_open_document on signoff_requests (document_id, unit_id, seat) where status = 'open' and document_id is not null;
create index signoff_requests_document on signoff_requests (document_id, created_at);

alter table approvals
	alter column release_id drop not null,
	add column document_id uuid references documents (id),
	add column covers jsonb,
	add constraint approvals_subject check (num_nonnulls(release_id, document_id) = 1);
create index approvals_document on approvals (document_id);

alter table release_reviews
	alter column release_id drop not null,
	add column document_id uuid references documents (id),
	add constraint release_reviews_subject check (num_nonnulls(release_id, document_id) = 1);

-- ---- the yearly obligations -------------------------------------------------------------------------
create table obligation_reminders (
	id uuid primary key default gen_random_uuid(),
	unit_id uuid not null references units (id),
	year integer not null,
	obligation text not null check (obligation in ('conferences', 'principal_interpretation')),
	sent_by uuid not null references people (id),
	sent_at timestamptz not null default now()
);
create index obligation_reminders_unit on obligation_reminders (unit_id, year);

insert into settings (key, value) values ('files.max_mb', '20');

-- The title of what a clock is about, for lists of clocks of every kind (the inbox of clocks, breaches).
create function subject_title(subject text, subject_id uuid) returns text language sql stable as $$
	select case subject
		when 'incident' then (select title from incidents where id = subject_id)
		when 'document' then (
			select v.title from documents d join document_versions v on v.document_id = d.id and v.number = d.current_version
			where d.id = subject_id)
	end
$$;
