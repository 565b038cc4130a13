-- Releases with immutable versions, their review chain and phone sign-off with a second factor (passkeys
-- or the password), notices that are not clock steps, and press conferences.

-- Notices that belong to no clock step (a sign-off request, an alert to the office) travel the same
-- channels: the inbox row carries what it is about, and its deliveries are keyed by the notice itself.
alter table notifications
	add column kind text not null default 'clock' check (kind in ('clock', 'signoff', 'alert')),
	add column subject text check (subject in ('incident', 'opinion_item', 'document', 'release', 'conference')),
	add column subject_id uuid;

alter table deliveries
	alter column clock_id drop not null,
	alter column step_index drop not null,
	add constraint deliveries_keyed check (clock_id is not null and step_index is not null or notification_id is not null);
create unique index deliveries_notice_channel on deliveries (notification_id, channel) where clock_id is null;

-- Passkeys registered in 我的, used as the second factor when signing off.
create table passkeys (
	id text primary key, -- the credential id, base64url
	person_id uuid not null references people (id),
	public_key bytea not null,
	counter bigint not null default 0,
	transports text[] not null default '{}',
	device_type text not null default 'singleDevice',
	backed_up boolean not null default false,
	name text not null check (length(btrim(name)) between 1 and 60),
	created_at timestamptz not null default now(),
	last_used_at timestamptz
);
create index passkeys_person on passkeys (person_id);

-- One challenge per ceremony, single-use and short-lived. A sign-off challenge is bound to what it signs
-- (`binding`: the request and the version hash), so the authenticator's signature covers the text.
create table webauthn_challenges (
	id uuid primary key default gen_random_uuid(),
	person_id uuid not null references people (id),
	purpose text not null check (purpose in ('register', 'step_up')),
	binding text,
	challenge text not null,
	expires_at timestamptz not null,
	used_at timestamptz
);
create index webauthn_challenges_person on webauthn_challenges (person_id, expires_at);

-- Who reviews and who countersigns, per unit. The signer is the unit's leader in charge.
create table review_chains (
	unit_id uuid primary key references units (id),
	confidentiality_reviewer_ids uuid[] not null default '{}',
	countersign_unit_ids uuid[] not null default '{}',
	signoff_hours numeric not null default 2 check (signoff_hours > 0 and signoff_hours <= 72),
	updated_at timestamptz not null default now(),
	updated_by uuid references people (id)
);

create table conferences (
	id uuid primary key default gen_random_uuid(),
	unit_id uuid not null references units (id),
	kind text not null check (kind in ('press_conference', 'briefing', 'media_briefing')),
	title text not null check (length(btrim(title)) between 1 and 200),
	incident_id uuid references incidents (id),
	planned_at timestamptz not null,
	place text not null default '' check (length(place) <= 200),
	host_id uuid references people (id),
	speaker_ids uuid[] not null default '{}',
	media_invited text[] not null default '{}',
	status text not null default 'planned' check (status in ('planned', 'held', 'postponed', 'cancelled')),
	held_at timestamptz,
	status_reason text,
	created_by uuid not null references people (id),
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),
	check (status <> 'held' or held_at is not null),
	check (status not in ('postponed', 'cancelled') or length(btrim(coalesce(status_reason, ''))) > 0)
);
create index conferences_unit on conferences (unit_id, planned_at);
create index conferences_incident on conferences (incident_id);

create table releases (
	id uuid primary key default gen_random_uuid(),
	unit_id uuid not null references units (id),
	kind text not null check (kind in ('authoritative', 'follow_up', 'clarification', 'response', 'opening_statement', 'qa_prep')),
	incident_id uuid references incidents (id),
	conference_id uuid references conferences (id),
	status text not null default 'draft' check (status in ('draft', 'in_review', 'awaiting_signoff', 'approved', 'published', 'rejected', 'withdrawn')),
	current_version integer not null default 1,
	status_reason text,
	created_by uuid not null references people (id),
	client_key uuid,
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),
	published_at timestamptz,
	unique (created_by, client_key),
	check (kind not in ('opening_statement', 'qa_prep') or conference_id is not null)
);
create index releases_unit on releases (unit_id, updated_at desc);
create index releases_incident on releases (incident_id);

-- Every save is a new row; rows are never updated. `hash` is SHA-256 over the canonical content.
create table release_versions (
	release_id uuid not null references releases (id),
	number integer not null,
	title text not null check (length(btrim(title)) between 1 and 200),
	body text not null check (length(body) <= 50000),
	talking_points text not null default '' check (length(talking_points) <= 20000),
	channels text[] not null default '{}' check (
		channels <@ array['gov_website', 'gov_weibo', 'wechat_official', 'news_media', 'press_conference']::text[]
	),
	hash text not null check (hash ~ '^[0-9a-f]{64}$'),
	created_by uuid not null references people (id),
	created_at timestamptz not null default now(),
	primary key (release_id, number)
);

create table release_reviews (
	id uuid primary key default gen_random_uuid(),
	release_id uuid not null references releases (id),
	version integer not null,
	version_hash text not null,
	stage text not null check (stage in ('confidentiality')),
	reviewer_id uuid not null references people (id),
	decision text not null check (decision in ('passed', 'rejected')),
	reason text,
	at timestamptz not null default now(),
	check (decision = 'passed' or length(btrim(coalesce(reason, ''))) > 0)
);
create index release_reviews_release on release_reviews (release_id, at);

-- One request per signing seat (the leader in charge, each countersigning unit) and version. Whoever of
-- the seat's people acts first decides it; it cannot be decided twice, and it lapses at `expires_at`.
create table signoff_requests (
	id uuid primary key default gen_random_uuid(),
	release_id uuid not null references releases (id),
	version integer not null,
	version_hash text not null,
	seat text not null check (seat in ('sign', 'countersign')),
	unit_id uuid not null references units (id),
	requested_by uuid not null references people (id),
	created_at timestamptz not null default now(),
	expires_at timestamptz not null,
	status text not null default 'open' check (status in ('open', 'approved', 'rejected', 'void')),
	decided_by uuid references people (id),
	decided_at timestamptz,
	reason text,
	flagged_by uuid references people (id),
	flagged_at timestamptz,
	flag_note text
);
create index signoff_requests_release on signoff_requests (release_id, created_at);
create unique index signoff_requests_one_open on signoff_requests (release_id, unit_id, seat) where status = 'open';

create table approvals (
	id uuid primary key default gen_random_uuid(),
	release_id uuid not null references releases (id),
	request_id uuid not null unique references signoff_requests (id),
	version integer not null,
	version_hash text not null,
	person_id uuid not null references people (id),
	factor text not null check (factor in ('passkey', 'password')),
	passkey_id text,
	device text,
	ip text,
	at timestamptz not null default now(),
	voided_at timestamptz,
	void_reason text
);
create index approvals_release on approvals (release_id);

create table release_publications (
	id uuid primary key default gen_random_uuid(),
	release_id uuid not null references releases (id),
	version integer not null,
	version_hash text not null,
	channel text not null check (channel in ('gov_website', 'gov_weibo', 'wechat_official', 'news_media', 'press_conference')),
	url text check (url is null or url ~ '^https?://'),
	published_at timestamptz not null,
	recorded_by uuid not null references people (id),
	recorded_at timestamptz not null default now()
);
create index release_publications_release on release_publications (release_id);

alter table timeline_events drop constraint if exists timeline_events_subject_check;
alter table timeline_events add constraint timeline_events_subject_check
	check (subject in ('incident', 'opinion_item', 'document', 'release', 'conference'));

-- A person's public contact as spokesperson (the list the office keeps current).
alter table people add column public_phone text check (public_phone is null or public_phone ~ '^[0-9+() -]{5,30}$');
