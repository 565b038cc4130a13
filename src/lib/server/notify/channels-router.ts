import { z } from 'zod';
import { audit } from '../audit/index.ts';
import { sql } from '../db.ts';
import { FieldError, notFound } from '../errors.ts';
import { getPerson } from '../people/index.ts';
import { text, adminProcedure, authedProcedure, officeProcedure, router, steppedUp, topOfficeProcedure } from '../trpc/index.ts';
import { inReach } from '../units/index.ts';
import { forgetSenders } from './senders.ts';
import { channelSecretContext, SECRET_FIELD } from './secrets.ts';
import { sealSecret, secretsKey } from '../security/index.ts';

export interface WeComConfig {
	corpId: string;
	agentId: number;
	secret: string;
}
export interface DingTalkConfig {
	appKey: string;
	appSecret: string;
	agentId: number;
}

interface SettingsRow {
	channel: 'wecom' | 'dingtalk' | 'sms';
	enabled: boolean;
	config: Record<string, unknown>;
}

const SECRET_FIELDS = new Set<string>(Object.values(SECRET_FIELD));

/** Secrets never leave the server: the screen learns only whether one is set. */
function masked(row: SettingsRow) {
	const config = Object.fromEntries(Object.entries(row.config).map(([k, v]) => [k, SECRET_FIELDS.has(k) ? '' : v]));
	const secretSet = Object.entries(row.config).some(([k, v]) => SECRET_FIELDS.has(k) && typeof v === 'string' && v.length > 0);
	return { channel: row.channel, enabled: row.enabled, config, secretSet };
}

const agentId = z.coerce.number().int().min(1).max(2_147_483_647);
const settingsInput = z.discriminatedUnion('channel', [
	z.object({
		channel: z.literal('wecom'),
		enabled: z.boolean(),
		config: z.object({ corpId: text(64, { min: 1 }), agentId, secret: text(128).default('') })
	}),
	z.object({
		channel: z.literal('dingtalk'),
		enabled: z.boolean(),
		config: z.object({ appKey: text(64, { min: 1 }), agentId, appSecret: text(128).default('') })
	})
]);

const ORDERABLE = ['web_push', 'wecom', 'dingtalk', 'sms'] as const;

export const channelRouter = router({
	settings: officeProcedure.query(async () => {
		const rows = await sql<SettingsRow[]>`select channel, enabled, config from channel_settings order by channel`;
		return rows.map(masked);
	}),
	/** WeCom and DingTalk serve the whole organisation: the top office configures them. */
	updateSettings: steppedUp(topOfficeProcedure).input(settingsInput).mutation(async ({ ctx, input }) =>
		sql.begin(async (tx) => {
			const [before] = await tx<SettingsRow[]>`select channel, enabled, config from channel_settings where channel = ${input.channel}`;
			const secretKey = SECRET_FIELD[input.channel];
			const config: Record<string, unknown> = { ...input.config };
			const typed = config[secretKey] as string;
			// A blank secret keeps the one on record: it is never shown back, so it cannot be re-typed. A typed one is
			// kept sealed under SECRETS_KEY (security/secrets.ts): never in the clear, so not without the key.
			if (!typed) config[secretKey] = (before?.config[secretKey] as string | undefined) ?? '';
			else {
				const key = secretsKey();
				if (!key) throw new FieldError(secretKey, 'channels.no_secrets_key');
				config[secretKey] = sealSecret(typed, channelSecretContext(input.channel, secretKey), key);
			}
			await tx`
				insert into channel_settings (channel, enabled, config, updated_by)
				values (${input.channel}, ${input.enabled}, ${tx.json(config as never)}, ${ctx.actor.personId})
				on conflict (channel) do update set enabled = excluded.enabled, config = excluded.config,
					updated_by = excluded.updated_by, updated_at = now()`;
			await audit(tx, ctx.actor, {
				action: 'channel.settings_updated',
				entity: 'channel',
				entityId: input.channel,
				before: before ? masked(before) : null,
				after: masked({ channel: input.channel, enabled: input.enabled, config })
			});
			forgetSenders();
			return masked({ channel: input.channel, enabled: input.enabled, config });
		})
	),
	/** People in reach with their WeCom and DingTalk ids. */
	mappings: adminProcedure.query(async ({ ctx }) => {
		const scope = ctx.actor.scope;
		return sql<{ personId: string; name: string; unitName: string; wecom: string | null; dingtalk: string | null }[]>`
			select p.id as person_id, p.name, u.name as unit_name,
				(select external_id from person_channels where person_id = p.id and channel = 'wecom') as wecom,
				(select external_id from person_channels where person_id = p.id and channel = 'dingtalk') as dingtalk
			from people p join units u on u.id = p.unit_id
			where p.active and ${inReach(sql, 'p.unit_id', scope)}
			order by u.name, p.name`;
	}),
	setMapping: adminProcedure
		.input(z.object({ personId: z.uuid(), channel: z.enum(['wecom', 'dingtalk', 'sms']), externalId: text(64) }))
		.mutation(async ({ ctx, input }) =>
			sql.begin(async (tx) => {
				if (!(await getPerson(tx, input.personId, ctx.actor.scope))) throw notFound();
				if (input.externalId) {
					await tx`
						insert into person_channels (person_id, channel, external_id) values (${input.personId}, ${input.channel}, ${input.externalId})
						on conflict (person_id, channel) do update set external_id = excluded.external_id`;
				} else {
					await tx`delete from person_channels where person_id = ${input.personId} and channel = ${input.channel}`;
				}
				await audit(tx, ctx.actor, { action: 'channel.mapping_set', entity: 'person', entityId: input.personId, after: input });
				return { ok: true as const };
			})
		),
	myOrder: authedProcedure.query(async ({ ctx }) => {
		const [row] = await sql<{ channelOrder: string[] }[]>`select channel_order from people where id = ${ctx.actor.personId}`;
		return row?.channelOrder ?? [];
	}),
	/** Which channel to try first, second…; the in-app inbox always gets every notice as well. */
	setMyOrder: authedProcedure
		.input(z.object({ order: z.array(z.enum(ORDERABLE)).min(1).max(4).refine((o) => new Set(o).size === o.length) }))
		.mutation(async ({ ctx, input }) =>
			sql.begin(async (tx) => {
				await tx`update people set channel_order = ${input.order}, updated_at = now() where id = ${ctx.actor.personId}`;
				await audit(tx, ctx.actor, { action: 'person.channel_order_set', entity: 'person', entityId: ctx.actor.personId, after: input });
				return input.order;
			})
		)
});
