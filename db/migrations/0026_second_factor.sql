-- Two factors at sign-in and the auditor (issue 15). Administrators, auditors and (when the office asks) leaders give
-- a passkey, an authenticator app's code or a recovery code after their password; an auditor (审计员) reads
-- everything and changes nothing, and holds no other role.

alter table people drop constraint people_roles_check;
alter table people add constraint people_roles_check check (
	roles <@ array['duty', 'press_officer', 'spokesperson', 'leader', 'principal', 'office_admin', 'sysadmin', 'auditor']::text[]
	and (not 'auditor' = any (roles) or roles = array['auditor']::text[])
);

-- The authenticator app's key, sealed under SECRETS_KEY like every secret (security/secrets.ts). It is in force once
-- a code from it was typed (confirmed_at); last_step is the last 30-second step accepted, so a code counts once.
create table totp_keys (
	person_id uuid primary key references people (id) on delete cascade,
	key_sealed text not null,
	confirmed_at timestamptz,
	last_step bigint not null default 0,
	created_at timestamptz not null default now()
);

-- Ten single-use codes for a lost phone, kept as SHA-256 of the code only.
create table recovery_codes (
	person_id uuid not null references people (id) on delete cascade,
	code_hash bytea not null,
	used_at timestamptz,
	primary key (person_id, code_hash)
);

-- Between the password and the second factor: no session yet. id is a hash of the cookie's token.
create table pending_sign_ins (
	id text primary key,
	person_id uuid not null references people (id) on delete cascade,
	created_at timestamptz not null default now(),
	expires_at timestamptz not null
);
create index pending_sign_ins_person on pending_sign_ins (person_id);

insert into settings (key, value) values ('session.second_factor_leaders', 'false') on conflict (key) do nothing;
