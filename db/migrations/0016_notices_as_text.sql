-- Notices, cancel reasons and delivery failures keep message keys and parameters (jsonb), rendered in the
-- reader's language: a notice in its recipient's when sent, in the reader's in the inbox. What was written
-- before stays as it was, wrapped as common.verbatim; cancel reasons in the catalogue's known forms become
-- their keys, so a quotation of another subject is still found by its key.
create or replace function pg_temp.verbatim(value text) returns jsonb language sql immutable as $$
	select case when value is null then null else jsonb_build_object('key', 'common.verbatim', 'params', jsonb_build_object('text', value)) end
$$;

create or replace function pg_temp.cancel_reason(value text) returns jsonb language sql immutable as $$
	select case
		when value is null then null
		when value ~ '^合并到“.*”$' then jsonb_build_object('key', 'clock.cancel.merged', 'params',
			jsonb_build_object('title', substring(value from '^合并到“(.*)”$')))
		when value ~ '^纳入“.*”的时限$' then jsonb_build_object('key', 'clock.cancel.under_incident', 'params',
			jsonb_build_object('title', substring(value from '^纳入“(.*)”的时限$')))
		when value = '研判为无需回应' then jsonb_build_object('key', 'clock.cancel.no_response')
		when value = '评估后结束' then jsonb_build_object('key', 'clock.cancel.evaluated')
		when value ~ '^事件关闭：' then jsonb_build_object('key', 'clock.cancel.incident_closed', 'params',
			jsonb_build_object('note', substring(value from '^事件关闭：(.*)$')))
		else pg_temp.verbatim(value)
	end
$$;

alter table notifications
	alter column title type jsonb using pg_temp.verbatim(title),
	alter column body type jsonb using pg_temp.verbatim(body);

alter table notifications drop constraint if exists notifications_settled_note_check;
alter table notifications alter column settled_note type jsonb using
	case when settled_as = 'cancelled' then pg_temp.cancel_reason(settled_note) else pg_temp.verbatim(settled_note) end;

alter table clocks alter column cancel_reason type jsonb using pg_temp.cancel_reason(cancel_reason);

alter table deliveries alter column failure type jsonb using pg_temp.verbatim(failure);

alter table push_devices alter column last_failure type jsonb using pg_temp.verbatim(last_failure);
