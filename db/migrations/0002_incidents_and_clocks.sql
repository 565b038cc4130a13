-- Incidents, deadline rules as data, running clocks with their frozen ladders, deliveries, the in-app
-- inbox, breaches and accountability actions, and one timeline per subject.

create table incidents (
	id uuid primary key default gen_random_uuid(),
	title text not null check (length(btrim(title)) between 1 and 200),
	category text not null check (category in ('natural_disaster', 'accident', 'public_health', 'social_safety')),
	level smallint not null check (level between 1 and 4),
	occurred_at timestamptz not null,
	location text not null default '' check (length(location) <= 200),
	lead_unit_id uuid not null references units (id),
	description text not null default '' check (length(description) <= 5000),
	status text not null default 'open' check (status in ('open', 'closed', 'merged')),
	merged_into_id uuid references incidents (id),
	closed_at timestamptz,
	close_note text,
	created_by uuid not null references people (id),
	-- The device's own key for the submission, so a replayed offline submit finds the first one.
	client_key uuid not null,
	body_hash text not null,
	device_recorded_at timestamptz,
	received_at timestamptz not null default now(),
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),
	unique (created_by, client_key),
	check ((status = 'merged') = (merged_into_id is not null))
);
create index incidents_unit on incidents (lead_unit_id, status, occurred_at desc);

create table clock_rules (
	key text primary key check (key ~ '^[a-z_]+\.[a-z_]+$'),
	subject text not null check (subject in ('incident', 'opinion_item', 'document')),
	name text not null check (length(btrim(name)) between 1 and 100),
	-- e.g. {"levels": [1, 2]} for incidents, {"kinds": ["rumour"]} for opinion items, {} for all
	applies_to jsonb not null default '{}',
	anchor text not null check (anchor in ('occurred', 'captured', 'assessed', 'published', 'abolished')),
	duration_value integer not null check (duration_value > 0),
	duration_unit text not null check (duration_unit in ('hours', 'working_days')),
	satisfied_by text not null check (satisfied_by in (
		'release.authoritative', 'conference.held', 'opinion.responded', 'document.interpretation_published',
		'document.abolition_marked'
	)),
	ladder jsonb not null,
	active boolean not null default true,
	source text not null default '',
	updated_at timestamptz not null default now(),
	updated_by uuid references people (id)
);

create table clocks (
	id uuid primary key default gen_random_uuid(),
	rule_key text not null references clock_rules (key),
	subject text not null check (subject in ('incident', 'opinion_item', 'document')),
	subject_id uuid not null,
	unit_id uuid not null references units (id),
	-- frozen when the clock starts: a later edit of the rule never changes a running clock
	rule_name text not null,
	satisfied_by text not null,
	ladder jsonb not null,
	starts_at timestamptz not null,
	due_at timestamptz not null,
	started_at timestamptz not null,
	status text not null default 'running' check (status in ('running', 'satisfied', 'breached', 'satisfied_late', 'cancelled')),
	satisfied_at timestamptz,
	evidence jsonb,
	breached_at timestamptz,
	cancelled_at timestamptz,
	cancel_reason text,
	check (due_at > starts_at)
);
create unique index clocks_one_open_per_rule on clocks (subject, subject_id, rule_key) where status in ('running', 'breached');
create index clocks_open on clocks (due_at) where status in ('running', 'breached');
create index clocks_subject on clocks (subject, subject_id);

create table clock_acknowledgements (
	id bigint generated always as identity primary key,
	clock_id uuid not null references clocks (id),
	step_index integer not null,
	person_id uuid not null references people (id),
	at timestamptz not null default now(),
	channel text not null default 'inbox',
	unique (clock_id, step_index, person_id)
);

-- The in-app inbox: one row a person a notice.
create table notifications (
	id uuid primary key default gen_random_uuid(),
	person_id uuid not null references people (id),
	clock_id uuid references clocks (id),
	step_index integer,
	urgency text not null check (urgency in ('normal', 'high', 'critical')),
	title text not null,
	body text not null,
	url text not null,
	created_at timestamptz not null default now(),
	read_at timestamptz,
	acknowledged_at timestamptz
);
create index notifications_person on notifications (person_id, created_at desc);

-- One delivery per (clock, step, recipient, channel): a job that runs twice notifies once.
create table deliveries (
	id bigint generated always as identity primary key,
	clock_id uuid not null references clocks (id),
	step_index integer not null,
	tier integer not null,
	recipient_id uuid not null references people (id),
	channel text not null check (channel in ('inbox', 'web_push', 'wecom', 'dingtalk', 'sms')),
	notification_id uuid references notifications (id),
	status text not null default 'queued' check (status in ('queued', 'sent', 'received', 'opened', 'acknowledged', 'failed')),
	failure text,
	due_at timestamptz not null,
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),
	unique (clock_id, step_index, recipient_id, channel)
);

create table breaches (
	id uuid primary key default gen_random_uuid(),
	clock_id uuid not null unique references clocks (id),
	unit_id uuid not null references units (id),
	due_at timestamptz not null,
	breached_at timestamptz not null,
	responsible_ids uuid[] not null default '{}',
	created_at timestamptz not null default now()
);

create table accountability_actions (
	id uuid primary key default gen_random_uuid(),
	breach_id uuid not null references breaches (id),
	kind text not null check (kind in ('notice_of_criticism', 'summons')),
	note text not null check (length(btrim(note)) between 1 and 2000),
	decided_by uuid not null references people (id),
	created_at timestamptz not null default now()
);

create table timeline_events (
	id bigint generated always as identity primary key,
	subject text not null check (subject in ('incident', 'opinion_item', 'document')),
	subject_id uuid not null,
	at timestamptz not null default now(),
	kind text not null,
	actor_id uuid references people (id),
	data jsonb not null default '{}'
);
create index timeline_subject on timeline_events (subject, subject_id, at);

-- The rules of DOMAIN.md. Ladders: steps relative to the start or the deadline, each telling its
-- tiers one after another until someone acknowledges (ack_within_minutes), or all at once (null).
insert into clock_rules (key, subject, name, applies_to, anchor, duration_value, duration_unit, satisfied_by, ladder, source) values
(
	'incident.authoritative_release', 'incident', '发布权威信息', '{"levels": [1, 2]}', 'occurred', 5, 'hours', 'release.authoritative',
	'[
		{"anchor": "start", "offsetMinutes": 0, "tiers": ["lead_unit_press", "leader_in_charge"], "urgency": "high", "ackWithinMinutes": 10},
		{"anchor": "due", "offsetMinutes": -120, "tiers": ["lead_unit_press", "leader_in_charge", "principal"], "urgency": "high", "ackWithinMinutes": 10},
		{"anchor": "due", "offsetMinutes": -60, "tiers": ["leader_in_charge", "principal"], "urgency": "high", "ackWithinMinutes": 10},
		{"anchor": "due", "offsetMinutes": -30, "tiers": ["leader_in_charge", "principal", "office_admin"], "urgency": "critical", "ackWithinMinutes": 10},
		{"anchor": "due", "offsetMinutes": 0, "tiers": ["principal", "office_admin"], "urgency": "critical", "ackWithinMinutes": null},
		{"anchor": "due", "offsetMinutes": 60, "tiers": ["principal", "office_admin", "superior_office"], "urgency": "critical", "ackWithinMinutes": null}
	]',
	'000 第23项；国办发〔2016〕80号'
),
(
	'incident.press_conference', 'incident', '召开新闻发布会', '{"levels": [1, 2]}', 'occurred', 24, 'hours', 'conference.held',
	'[
		{"anchor": "start", "offsetMinutes": 0, "tiers": ["lead_unit_press", "leader_in_charge"], "urgency": "high", "ackWithinMinutes": 10},
		{"anchor": "due", "offsetMinutes": -480, "tiers": ["lead_unit_press", "leader_in_charge"], "urgency": "normal", "ackWithinMinutes": 30},
		{"anchor": "due", "offsetMinutes": -120, "tiers": ["lead_unit_press", "leader_in_charge", "principal"], "urgency": "high", "ackWithinMinutes": 10},
		{"anchor": "due", "offsetMinutes": -30, "tiers": ["leader_in_charge", "principal", "office_admin"], "urgency": "critical", "ackWithinMinutes": 10},
		{"anchor": "due", "offsetMinutes": 0, "tiers": ["principal", "office_admin"], "urgency": "critical", "ackWithinMinutes": null},
		{"anchor": "due", "offsetMinutes": 120, "tiers": ["principal", "office_admin", "superior_office"], "urgency": "critical", "ackWithinMinutes": null}
	]',
	'000 第23项；001 第五条第（二）项；国办发〔2016〕61号'
),
(
	'opinion.response', 'opinion_item', '回应政务舆情', '{}', 'captured', 48, 'hours', 'opinion.responded',
	'[
		{"anchor": "start", "offsetMinutes": 0, "tiers": ["lead_unit_press"], "urgency": "normal", "ackWithinMinutes": 60},
		{"anchor": "due", "offsetMinutes": -720, "tiers": ["lead_unit_press", "leader_in_charge"], "urgency": "high", "ackWithinMinutes": 30},
		{"anchor": "due", "offsetMinutes": -120, "tiers": ["lead_unit_press", "leader_in_charge", "principal"], "urgency": "high", "ackWithinMinutes": 10},
		{"anchor": "due", "offsetMinutes": 0, "tiers": ["principal", "office_admin"], "urgency": "critical", "ackWithinMinutes": null}
	]',
	'国办发〔2016〕61号'
),
(
	'document.interpretation', 'document', '发布政策解读材料', '{}', 'published', 3, 'working_days', 'document.interpretation_published',
	'[
		{"anchor": "start", "offsetMinutes": 0, "tiers": ["lead_unit_press"], "urgency": "normal", "ackWithinMinutes": 120},
		{"anchor": "due", "offsetMinutes": -1440, "tiers": ["lead_unit_press", "leader_in_charge"], "urgency": "high", "ackWithinMinutes": 60},
		{"anchor": "due", "offsetMinutes": -240, "tiers": ["lead_unit_press", "leader_in_charge", "principal"], "urgency": "high", "ackWithinMinutes": 30},
		{"anchor": "due", "offsetMinutes": 0, "tiers": ["principal", "office_admin"], "urgency": "critical", "ackWithinMinutes": null}
	]',
	'002 第九条；001 第五条第（一）项'
),
(
	'document.abolition_marking', 'document', '在网站标注废止或失效', '{}', 'abolished', 10, 'working_days', 'document.abolition_marked',
	'[
		{"anchor": "start", "offsetMinutes": 0, "tiers": ["lead_unit_press"], "urgency": "normal", "ackWithinMinutes": null},
		{"anchor": "due", "offsetMinutes": -2880, "tiers": ["lead_unit_press", "leader_in_charge"], "urgency": "high", "ackWithinMinutes": 120},
		{"anchor": "due", "offsetMinutes": 0, "tiers": ["leader_in_charge", "office_admin"], "urgency": "critical", "ackWithinMinutes": null}
	]',
	'003 第五条第6项'
);

-- Each (step, tier) of a clock once processed, even when nobody could be found to tell: the
-- auditor compares these with what the engine says is due.
create table clock_notices (
	clock_id uuid not null references clocks (id),
	step_index integer not null,
	tier integer not null,
	audience text not null,
	urgency text not null,
	due_at timestamptz not null,
	processed_at timestamptz not null,
	recipient_count integer not null,
	primary key (clock_id, step_index, tier)
);
