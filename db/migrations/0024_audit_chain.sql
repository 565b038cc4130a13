-- The audit log as a record nobody can quietly change (issue 15).
--
-- Times and transactions come from the database: whatever an INSERT names, a row's `at` is the time of its
-- transaction and `xid` the transaction that wrote it. The application's role (see docs/security.md) may insert
-- and read, never update, delete, truncate, alter or disable a trigger: it owns nothing here.
--
-- Each row is then sealed into a hash chain (audit_seals, also append-only): seal n holds the hash of row n's
-- content and of seal n-1. Rows are sealed in the order of the transactions that wrote them, and only once every
-- transaction older than them has ended (xid below the oldest running one), so a row committed late cannot land
-- behind a seal already made. `npm run audit:verify` recomputes the chain and names the first row that no longer
-- matches; a rewrite of the whole chain is found against an anchor (a seal's hash printed earlier).

-- Rows written before the chain existed are sealed first, in the order they were written.
alter table audit_log add column xid xid8 not null default '0';
alter table audit_log alter column xid set default pg_current_xact_id();
create index audit_log_sealing on audit_log (xid, id);

create function audit_log_stamp() returns trigger language plpgsql as $$
begin
	new.at := now();
	new.xid := pg_current_xact_id();
	return new;
end;
$$;
create trigger audit_log_stamp before insert on audit_log for each row execute function audit_log_stamp();

create table audit_seals (
	seq bigint primary key,
	audit_id bigint not null unique references audit_log (id),
	-- the sealed row's transaction: where the next sealing starts, whatever became of the row
	xid xid8 not null,
	algorithm text not null check (algorithm in ('sm3', 'sha256')),
	-- hex of H(hash of seal seq-1, '\n', the row's canonical content); seal 1 starts from the empty string
	hash text not null check (hash ~ '^[0-9a-f]{64}$'),
	sealed_at timestamptz not null default now()
);

-- The audit log's own refusal (0001), naming whichever table it guards: the seals refuse the same way.
create or replace function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
	raise exception '% is append-only: % is not allowed', tg_table_name, tg_op using errcode = 'insufficient_privilege';
end;
$$;
create trigger audit_seals_no_update before update or delete on audit_seals
	for each row execute function audit_log_is_append_only();
create trigger audit_seals_no_truncate before truncate on audit_seals
	for each statement execute function audit_log_is_append_only();

-- A row's content as it is hashed: one JSON array, its jsonb text (keys ordered by PostgreSQL, the same for the
-- same values), the time in microseconds since 1970. Sealing and verifying both read it here.
create function audit_content(a audit_log) returns text language sql stable as $$
	select jsonb_build_array(
		a.id, (extract(epoch from a.at) * 1000000)::bigint, a.actor_id, a.action, a.entity, a.entity_id,
		a.before, a.after, a.ip, a.user_agent
	)::text
$$;

-- Each verification's outcome, for the office's screen: the chain's head then (an anchor) and where it broke.
create table audit_verifications (
	id bigint generated always as identity primary key,
	at timestamptz not null,
	checked bigint not null,
	head_seq bigint,
	head_hash text,
	broken_seq bigint,
	broken_audit_id bigint,
	reason text check (reason in ('changed', 'missing', 'gap', 'unsealed', 'anchor'))
);
create index audit_verifications_at on audit_verifications (at desc);

-- pg-boss's schema, made by the owner: the app's role may not create schemas (it cannot even ask for one that
-- exists), and is given this one (grantAppRole) to make and drop its queue tables in.
create schema if not exists pgboss;
