-- Public-opinion items (政务舆情): sightings captured from phones, assessment and routing, consultation notes,
-- responses (releases, conferences, interviews), evaluation; the 2-hour assessment rule and the 48-hour clock.

create table opinion_items (
	id uuid primary key default gen_random_uuid(),
	-- the unit it concerns as captured; after assessment the responsible unit (属地管理、分级负责)
	unit_id uuid not null references units (id),
	type text not null check (type in ('rumour', 'misreading', 'complaint', 'media_enquiry', 'criticism', 'other')),
	summary text not null check (length(btrim(summary)) between 1 and 2000),
	status text not null default 'awaiting_assessment' check (status in ('awaiting_assessment', 'assessed', 'responded', 'closed', 'merged')),
	-- the earliest sighting's time: the clocks count from here
	first_seen_at timestamptz not null,
	heat text check (heat in ('general', 'significant', 'major')),
	needs_response boolean,
	incident_id uuid references incidents (id),
	locality_unit_ids uuid[] not null default '{}',
	response_plan text not null default '' check (length(response_plan) <= 5000),
	assessed_at timestamptz,
	assessed_by uuid references people (id),
	responded_at timestamptz,
	attention_fell boolean,
	lessons text,
	closed_at timestamptz,
	merged_into_id uuid references opinion_items (id),
	created_by uuid not null references people (id),
	client_key uuid not null,
	body_hash text not null,
	device_recorded_at timestamptz,
	received_at timestamptz not null default now(),
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),
	unique (created_by, client_key),
	check (status <> 'merged' or merged_into_id is not null)
);
create index opinion_items_unit on opinion_items (unit_id, status, first_seen_at desc);

-- Where and when it was seen. A merge moves the duplicate's sightings here, each keeping its own time and link.
create table opinion_sightings (
	id uuid primary key default gen_random_uuid(),
	item_id uuid not null references opinion_items (id),
	source text not null check (source in ('weibo', 'wechat', 'douyin', 'news_site', 'forum', 'hotline_12345', 'media_enquiry', 'other')),
	url text check (url is null or url ~ '^https?://'),
	seen_at timestamptz not null,
	summary text not null default '' check (length(summary) <= 2000),
	screenshot_ids uuid[] not null default '{}',
	captured_by uuid not null references people (id),
	captured_at timestamptz not null default now(),
	-- the item it was first captured on, before any merge
	origin_item_id uuid not null references opinion_items (id)
);
create index opinion_sightings_item on opinion_sightings (item_id, seen_at);
create index opinion_sightings_url on opinion_sightings (url) where url is not null;

-- 会商: notes from several units, kept on the item.
create table opinion_consultations (
	id uuid primary key default gen_random_uuid(),
	item_id uuid not null references opinion_items (id),
	unit_id uuid not null references units (id),
	person_id uuid not null references people (id),
	note text not null check (length(btrim(note)) between 1 and 5000),
	at timestamptz not null default now()
);
create index opinion_consultations_item on opinion_consultations (item_id, at);

-- A response that is not a release or a conference of ours: an interview or a briefing, with time and outlet.
create table opinion_responses (
	id uuid primary key default gen_random_uuid(),
	item_id uuid not null references opinion_items (id),
	kind text not null check (kind in ('interview', 'briefing')),
	outlet text not null check (length(btrim(outlet)) between 1 and 200),
	at timestamptz not null,
	note text not null default '' check (length(note) <= 2000),
	recorded_by uuid not null references people (id),
	recorded_at timestamptz not null default now()
);

alter table releases add column opinion_item_id uuid references opinion_items (id);
create index releases_opinion_item on releases (opinion_item_id);
alter table conferences add column opinion_item_id uuid references opinion_items (id);

-- Nothing captured may sit unread: an item still waiting for assessment after 2 hours (the office may change
-- it) tells the unit's press officers, then its leader in charge. Met by the assessment.
alter table clock_rules drop constraint clock_rules_satisfied_by_check;
alter table clock_rules add constraint clock_rules_satisfied_by_check check (satisfied_by in (
	'release.authoritative', 'conference.held', 'opinion.responded', 'opinion.assessed', 'document.interpretation_published',
	'document.abolition_marked'
));
insert into clock_rules (key, subject, name, applies_to, anchor, duration_value, duration_unit, satisfied_by, ladder, source) values (
	'opinion.assessment', 'opinion_item', '研判舆情', '{}', 'captured', 2, 'hours', 'opinion.assessed',
	'[
		{"anchor": "due", "offsetMinutes": 0, "tiers": ["lead_unit_press", "leader_in_charge"], "urgency": "high", "ackWithinMinutes": 30},
		{"anchor": "due", "offsetMinutes": 60, "tiers": ["leader_in_charge", "principal"], "urgency": "critical", "ackWithinMinutes": null}
	]',
	'DOMAIN.md：收集 → 会商 → 研判（舆情不得无人研判）'
);

-- The 48-hour clock starts when an item is assessed as needing a response, counted from its first sighting.
update clock_rules set anchor = 'assessed' where key = 'opinion.response';

create or replace function subject_title(subject text, subject_id uuid) returns text language sql stable as $$
	select case subject
		when 'incident' then (select title from incidents where id = subject_id)
		when 'document' then (
			select v.title from documents d join document_versions v on v.document_id = d.id and v.number = d.current_version
			where d.id = subject_id)
		when 'opinion_item' then (select left(summary, 60) from opinion_items where id = subject_id)
	end
$$;
