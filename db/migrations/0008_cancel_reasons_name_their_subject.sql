-- A cancel reason may quote another subject ("合并到“…”", "纳入“…”的时限"): the clock keeps which one, so a reader
-- who cannot see that subject is shown 不在您的查看范围内 in its place (src/lib/server/clocks/out.ts). An older reason
-- whose subject cannot be told (below) never shows its quotation.
alter table clocks
	add column cancel_about_subject text check (cancel_about_subject in ('incident', 'opinion_item', 'document', 'release', 'conference')),
	add column cancel_about_id uuid,
	add check ((cancel_about_subject is null) = (cancel_about_id is null));

-- Older cancellations name their subject where the record still says which it was and the quotation matches it.
update clocks k set cancel_about_subject = 'incident', cancel_about_id = i.merged_into_id
from incidents i join incidents kept on kept.id = i.merged_into_id
where k.subject = 'incident' and k.subject_id = i.id and k.status = 'cancelled' and k.cancel_reason = '合并到“' || kept.title || '”';

update clocks k set cancel_about_subject = 'opinion_item', cancel_about_id = o.merged_into_id
from opinion_items o join opinion_items kept on kept.id = o.merged_into_id
where k.subject = 'opinion_item' and k.subject_id = o.id and k.status = 'cancelled' and k.cancel_reason = '合并到“' || left(kept.summary, 40) || '”';

update clocks k set cancel_about_subject = 'incident', cancel_about_id = o.incident_id
from opinion_items o join incidents i on i.id = o.incident_id
where k.subject = 'opinion_item' and k.subject_id = o.id and k.status = 'cancelled' and k.cancel_reason = '纳入“' || i.title || '”的时限';
