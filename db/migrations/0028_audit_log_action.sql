-- 审计记录 reads the log by action (one action, or the refusals and failures) newest first: served by an index, not
-- by walking the whole log backwards until enough rows match.
create index audit_log_action on audit_log (action, id);
