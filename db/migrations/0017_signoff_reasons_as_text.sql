-- Why a sign-off request closed and why an approval stopped counting are kept as message keys with their
-- parameters ({"key": "signoff.void_rejected", "params": {"name": "…"}}), rendered in each reader's language.
-- A reason a leader typed when rejecting stays their words, as the parameter of `reasons.typed`. Rows written
-- before keep their words as they were, under `common.verbatim`.
alter table signoff_requests alter column reason type jsonb using case
	when reason is null then null
	else jsonb_build_object('key', 'common.verbatim', 'params', jsonb_build_object('text', reason)) end;

alter table approvals alter column void_reason type jsonb using case
	when void_reason is null then null
	else jsonb_build_object('key', 'common.verbatim', 'params', jsonb_build_object('text', void_reason)) end;
