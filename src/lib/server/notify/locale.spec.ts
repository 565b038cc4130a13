// A notice is stored as its key and parameters and read in each person's language: sent in the recipient's
// (people.locale) through Web Push, WeCom and DingTalk, and listed in the reader's in the inbox. Failure
// reasons are stored the same way, and rows written before (verbatim words) still read as they were.
import { describe, expect, it } from 'vitest';
import { useFakeDingTalk, DINGTALK } from '../../../../tests/support/fake-dingtalk.ts';
import { useFakeWeCom, WECOM } from '../../../../tests/support/fake-wecom.ts';
import { render, t, text } from '../../i18n/index.ts';
import { sql } from '../db.ts';
import { inLocale } from '../locale.ts';
import type { PersonRow } from '../people/queries.ts';
import { signInAs } from '../test-helpers.ts';
import { createDingTalkClient } from './dingtalk.ts';
import { deliver } from './dispatch.ts';
import type { Senders } from './pipeline.ts';
import { deliveries, linkChannel, payloadOf, phone, told, usePipelineWorld, wiring } from './test-pipeline.ts';
import { storedText } from './text.ts';
import { createWeComClient } from './wecom.ts';

usePipelineWorld();
const wecomIm = useFakeWeCom();
const dingtalkIm = useFakeDingTalk();

/** The real WeCom and DingTalk clients, talking to their stand-ins; Web Push as the jobs wire it. */
async function platforms(): Promise<Senders> {
	await sql`delete from channel_pace`;
	const wecom = createWeComClient({ corpId: WECOM.corpId, agentId: WECOM.agentId, secret: WECOM.secret, publicOrigin: WECOM.origin, baseUrl: wecomIm.baseUrl });
	const dingtalk = createDingTalkClient({
		appKey: DINGTALK.appKey,
		appSecret: DINGTALK.appSecret,
		agentId: DINGTALK.agentId,
		publicOrigin: DINGTALK.origin,
		baseUrl: dingtalkIm.baseUrl
	});
	const { senders } = await wiring();
	return { webPush: senders.webPush, wecom: (id, m) => wecom.send(id, m), dingtalk: (id, m) => dingtalk.send(id, m) };
}

const speaksEnglish = (p: PersonRow) => sql`update people set locale = 'en' where id = ${p.id}`;
const only = (p: PersonRow, channel: string) => sql`update people set channel_order = ${[channel]} where id = ${p.id}`;
const CHINESE = /[\u4e00-\u9fff]/;
// The clock's own words (its rule's name, the incident's title) are data, not the catalogue's: they stay as written.
const withoutNames = (words: string, names: string[]) => names.reduce((w, n) => w.split(n).join(''), words);

describe('a notice to an English-speaking person', () => {
	it('goes out in English on Web Push, WeCom and DingTalk, and reads in Chinese in a Chinese colleague’s inbox', async () => {
		const { notice, people, clockId } = await told(4);
		const [onPush, onWeCom, onDingTalk, chinese] = people as [PersonRow, PersonRow, PersonRow, PersonRow];
		for (const p of [onPush, onWeCom, onDingTalk]) await speaksEnglish(p);
		const device = await phone(onPush);
		await only(onPush, 'web_push');
		await linkChannel(onWeCom, 'wecom', 'english.reader');
		await only(onWeCom, 'wecom');
		await linkChannel(onDingTalk, 'dingtalk', 'english.reader');
		await only(onDingTalk, 'dingtalk');
		const senders = await platforms();
		for (const p of [onPush, onWeCom, onDingTalk]) await deliver(notice(p), senders);

		const [clock] = await sql<{ ruleName: string; title: string; urgency: string }[]>`
			select c.rule_name, subject_title(c.subject, c.subject_id) as title, n.urgency
			from clocks c join notifications n on n.clock_id = c.id where c.id = ${clockId} limit 1`;
		const names = [clock!.ruleName, clock!.title];
		const todo = t('clock.todo.release.authoritative', {}, 'en');

		const pushed = payloadOf(device);
		expect(pushed.title).toBe(`[${clock!.ruleName}] ${clock!.title}`);
		expect(pushed.body).toContain(todo);
		expect(withoutNames(`${pushed.title}${pushed.body}`, names)).not.toMatch(CHINESE);

		const [card] = wecomIm.state.sent;
		expect(card!.touser).toBe('english.reader');
		expect(card!.textcard.btntxt).toBe('View');
		expect(card!.textcard.description).toContain(todo);
		expect(card!.textcard.description).toContain(t(`urgency.${clock!.urgency}` as never, {}, 'en'));
		expect(withoutNames(card!.textcard.description, names)).not.toMatch(CHINESE);

		const [sent] = dingtalkIm.state.accepted;
		expect(sent!.card.single_title).toBe('View');
		expect(sent!.card.markdown).toContain(todo);
		expect(sent!.card.markdown).toContain(`Notice no.: ${(await deliveries(notice(onDingTalk))).dingtalk!.id}`);
		expect(withoutNames(sent!.card.markdown, names)).not.toMatch(CHINESE);

		// the same step, as the Chinese colleague reads it in the app, and as an English reader reads theirs
		const zh = await signInAs(chinese.username!);
		const [inbox] = (await inLocale('zh-CN', () => zh.caller.inbox.list())).items.filter((n) => n.clockId === clockId);
		expect(inbox!.title).toBe(`【${clock!.ruleName}】${clock!.title}`);
		expect(inbox!.body).toContain(t('clock.todo.release.authoritative', {}, 'zh-CN'));
		const en = await signInAs(onPush.username!);
		const [theirs] = (await inLocale('en', () => en.caller.inbox.list())).items.filter((n) => n.clockId === clockId);
		expect(theirs!.body).toBe(pushed.body);

		// stored once, as keys: nothing in the row is words in one language
		const [row] = await sql<{ title: unknown; body: unknown }[]>`select title, body from notifications where clock_id = ${clockId} limit 1`;
		expect(row!.title).toEqual({ key: 'clock.notice_title', params: { rule: clock!.ruleName, subject: clock!.title } });
		expect(row!.body).toMatchObject({ key: expect.stringMatching(/^notify\.clock\.lines/), params: { second: { key: 'clock.todo.release.authoritative' } } });
	});
});

describe('a failure reason', () => {
	it('is stored as its key and reads in the language of whoever reads it', async () => {
		const { notice, person, clockId } = await told();
		// the stand-in answers 33012 for this user
		await linkChannel(person, 'dingtalk', 'ghost');
		await only(person, 'dingtalk');
		await deliver(notice(person), await platforms());

		const { dingtalk } = await deliveries(notice(person));
		expect(dingtalk).toMatchObject({ status: 'failed' });
		expect(dingtalk!.failure).toEqual({
			key: 'notify.reason.coded',
			params: { platform: { key: 'channel.dingtalk' }, what: { key: 'notify.what.user_invalid' }, code: '33012' }
		});
		expect(render(dingtalk!.failure!, 'zh-CN')).toBe('钉钉：用户 ID 无效（33012）');
		expect(render(dingtalk!.failure!, 'en')).toBe('DingTalk: the user ID is invalid (33012)');

		// the delivery list on the subject's page, for an office admin in each language
		const office = await signInAs('office-admin');
		const read = async (locale: 'zh-CN' | 'en') =>
			(await inLocale(locale, () => office.caller.clock.deliveries({ clockIds: [clockId] }))).flatMap((step) => step.page.items).find((d) => d.channel === 'dingtalk')!.failure;
		expect(await read('zh-CN')).toBe('钉钉：用户 ID 无效（33012）');
		expect(await read('en')).toBe('DingTalk: the user ID is invalid (33012)');
	});

	it('on a phone reads in its owner’s language on their device list', async () => {
		const { person } = await told();
		const device = await phone(person);
		await sql`update push_devices set last_failure = ${sql.json(text('notify.webpush.too_large', { status: 413 }) as never)} where id = ${device.id}`;
		const me = await signInAs(person.username!);
		const listed = async (locale: 'zh-CN' | 'en') => (await inLocale(locale, () => me.caller.device.list())).find((d) => d.id === device.id)!.lastFailure;
		expect(await listed('zh-CN')).toBe('Web Push：消息过大（413）');
		expect(await listed('en')).toBe('Web Push: the message is too large (413)');
	});
});

describe('rows written before notices were stored as keys', () => {
	it('still read, word for word, in every language', async () => {
		const { person, clockId } = await told();
		const legacy = (words: string) => sql.json({ key: 'common.verbatim', params: { text: words } } as never);
		await sql`update notifications set title = ${legacy('【发布权威信息】旧通知')}, body = ${legacy('剩余 10分。请尽快审签。')},
			settled_at = now(), settled_as = 'cancelled', settled_note = ${legacy('定级调整为一般')}
			where clock_id = ${clockId} and person_id = ${person.id}`;
		await sql`update deliveries set failure = ${legacy('钉钉：用户 ID 无效（33012）')} where clock_id = ${clockId} and recipient_id = ${person.id}`;
		const me = await signInAs(person.username!);
		for (const locale of ['zh-CN', 'en'] as const) {
			const [note] = (await inLocale(locale, () => me.caller.inbox.list())).items.filter((n) => n.clockId === clockId);
			expect(note).toMatchObject({ title: '【发布权威信息】旧通知', body: '剩余 10分。请尽快审签。', settledNote: '定级调整为一般' });
		}
		const [row] = await sql<{ failure: unknown }[]>`select failure from deliveries where clock_id = ${clockId} and recipient_id = ${person.id}`;
		expect(render(storedText(row!.failure), 'en')).toBe('钉钉：用户 ID 无效（33012）');
		// a bare string or a key the catalogue no longer has reads as its words, never as a key
		expect(render(storedText('旧原因'), 'en')).toBe('旧原因');
		expect(render(storedText({ key: 'gone.key', params: { text: '旧原因' } }), 'en')).toBe('旧原因');
	});
});
