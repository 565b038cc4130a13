-- Reaching phones: Web Push devices, the domestic channels' settings and each person's ids there,
-- each person's channel order, and a delivery's life from queued to acknowledged.

create table push_devices (
	id uuid primary key default gen_random_uuid(),
	person_id uuid not null references people (id),
	endpoint text not null unique check (endpoint ~ '^https://'),
	p256dh text not null,
	auth text not null,
	-- the application server key it subscribed with: after a rotation the device subscribes again
	vapid_public_key text not null,
	name text not null check (length(btrim(name)) between 1 and 60),
	platform text not null default '',
	user_agent text,
	created_at timestamptz not null default now(),
	last_success_at timestamptz,
	last_failure_at timestamptz,
	last_failure text
);
create index push_devices_person on push_devices (person_id);

create table channel_settings (
	channel text primary key check (channel in ('wecom', 'dingtalk', 'sms')),
	enabled boolean not null default false,
	config jsonb not null default '{}',
	updated_at timestamptz not null default now(),
	updated_by uuid references people (id)
);

-- A person's id on a domestic channel (WeCom userid, DingTalk userid, phone for SMS).
create table person_channels (
	person_id uuid not null references people (id),
	channel text not null check (channel in ('wecom', 'dingtalk', 'sms')),
	external_id text not null check (length(btrim(external_id)) between 1 and 64),
	primary key (person_id, channel)
);

alter table people add column channel_order text[] not null default array['web_push', 'wecom', 'dingtalk']::text[]
	check (channel_order <@ array['web_push', 'wecom', 'dingtalk', 'sms']::text[]);

alter table deliveries
	add column attempts integer not null default 0,
	add column device_id uuid references push_devices (id) on delete set null,
	add column provider_message_id text,
	add column sent_at timestamptz,
	add column received_at timestamptz,
	add column opened_at timestamptz,
	add column acknowledged_at timestamptz,
	add column failed_at timestamptz;

-- A single-use token bound to one delivery, carried in the push payload: "收到" from the notification.
create table delivery_tokens (
	token_hash text primary key,
	delivery_id bigint not null references deliveries (id),
	expires_at timestamptz not null,
	used_at timestamptz
);
create index delivery_tokens_delivery on delivery_tokens (delivery_id);

insert into settings (key, value) values ('notify.fallback_seconds', '60');
