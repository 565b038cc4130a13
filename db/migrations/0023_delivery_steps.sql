-- 送达情况 at the scale of a province: a step can tell hundreds of people over several channels. The counts of a
-- step by status and channel are read from this index alone; the step's names, a page at a time, start from it
-- (or from the unique (clock_id, step_index, recipient_id, channel) index) and never scan the table.
create index deliveries_step_status on deliveries (clock_id, step_index, status, channel);
