-- The inbox is a to-do list: a notice whose reason has passed (its clock met or cancelled, its sign-off
-- request decided, void or lapsed, its review done) is settled, says what settled it, leaves the count and
-- asks for nothing more. Its pushes are then replaced or recalled where the channel allows (withdrawn_at).
alter table notifications
	add column settled_at timestamptz,
	add column settled_as text check (settled_as in ('met', 'met_late', 'cancelled', 'approved', 'rejected', 'void', 'lapsed', 'reviewed')),
	add column settled_note text check (length(settled_note) <= 200),
	add constraint notifications_settled check ((settled_at is null) = (settled_as is null));

alter table deliveries add column withdrawn_at timestamptz;

-- What had already settled before this migration.
update notifications n set settled_at = coalesce(c.satisfied_at, c.cancelled_at, now()),
	settled_as = case c.status when 'satisfied' then 'met' when 'satisfied_late' then 'met_late' else 'cancelled' end,
	settled_note = case when c.status = 'cancelled' then left(c.cancel_reason, 200) end
from clocks c
where n.clock_id = c.id and c.status in ('satisfied', 'satisfied_late', 'cancelled');

update notifications n set settled_at = coalesce(r.decided_at, n.acknowledged_at, now()),
	settled_as = case r.status when 'approved' then 'approved' when 'rejected' then 'rejected' else 'void' end,
	settled_note = left(r.reason, 200)
from signoff_requests r
where n.kind = 'signoff' and n.settled_at is null and r.status <> 'open' and n.url like '%/sign/' || r.id::text;

update notifications set settled_at = acknowledged_at, settled_as = 'reviewed'
where kind = 'alert' and settled_at is null and acknowledged_at is not null;

-- Settling finds a clock's notices, or a subject's; the badge and the list ask for a person's open notices first.
create index notifications_clock on notifications (clock_id, step_index) where clock_id is not null;
create index notifications_subject on notifications (subject, subject_id, kind) where subject_id is not null;
create index notifications_person_open on notifications (person_id, created_at desc) where settled_at is null;
