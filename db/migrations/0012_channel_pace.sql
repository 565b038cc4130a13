-- How many messages a chat platform took for one person in one window (WeCom: 30 a minute, 1,000 an hour,
-- and it drops the rest without a word). Kept here, not in each app instance's memory, so the pace holds
-- however many instances send. A reservation adds one in every window at once and clears that person's
-- ended windows, so the table holds a row or two per person and channel.
create table channel_pace (
	channel text not null check (channel in ('wecom', 'dingtalk', 'sms')),
	-- the person's id on the platform (person_channels.external_id): the platform counts by it
	recipient text not null check (length(recipient) between 1 and 64),
	window_seconds integer not null check (window_seconds > 0),
	window_start timestamptz not null,
	sent integer not null check (sent >= 0),
	primary key (channel, recipient, window_seconds, window_start)
);
