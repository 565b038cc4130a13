-- Lists at the scale of a province (bench/explain-app.ts checks each screen's statements at that size).

-- The opinion board (30,000 items): the open items (waiting for assessment, assessed)
-- are few at any time and are ordered by urgency, which changes with their clocks; every other item is listed newest
-- first, a page at a time by keyset, served by these indexes.

-- The open ones of a reach, whatever the rest of the table holds.
create index opinion_items_open on opinion_items (unit_id) where status in ('awaiting_assessment', 'assessed');

-- The rest, newest first: over every status, and for one status.
create index opinion_items_listed on opinion_items (first_seen_at desc, id desc);
create index opinion_items_status_listed on opinion_items (status, first_seen_at desc, id desc);

-- The candidates for "可能重复": items first seen or received in the last 72 hours (either index, or both).
create index opinion_items_received on opinion_items (received_at);

-- Words of the summary, found as in the incident list (0018: pairs of adjacent characters, then `ilike`).
alter table opinion_items add column summary_bigrams text[] generated always as (text_bigrams(summary)) stored;
create index opinion_items_summary_bigrams on opinion_items using gin (summary_bigrams);

-- Missed deadlines, newest first, a page at a time: over every unit in reach, and for a unit (an evaluation's).
create index breaches_listed on breaches (breached_at desc, id desc);
create index breaches_unit on breaches (unit_id, breached_at desc);
create index accountability_actions_breach on accountability_actions (breach_id, created_at);

-- Conferences still to be held, soonest first; those held or called off, latest first, a page at a time.
create index conferences_upcoming on conferences (planned_at) where status in ('planned', 'postponed');
create index conferences_opinion_item on conferences (opinion_item_id) where opinion_item_id is not null;
create index conferences_past on conferences ((coalesce(held_at, updated_at)) desc, id desc) where status in ('held', 'cancelled');

-- A person's settled notices, latest settled first, a page at a time (the inbox below what is still open).
create index notifications_person_settled on notifications (person_id, settled_at desc, id desc) where settled_at is not null;
