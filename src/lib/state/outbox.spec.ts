// The outbox on a shared duty phone, without a browser: the device's store is a map, the server a fake that
// keeps the real one's rules (one record per author and clientKey; a send naming another author is refused).
import { TRPCClientError } from '@trpc/client';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Draft, OutboxEntry, OutboxKind } from '$lib/outbox/store.ts';

const device = vi.hoisted(() => ({ entries: new Map<string, OutboxEntry>(), drafts: new Map<string, Draft>() }));
const server = vi.hoisted(() => ({
	/** who the session cookie belongs to; null: signed out */
	session: null as string | null,
	online: true,
	created: [] as { id: string; createdBy: string; clientKey: string; title: string }[],
	calls: 0
}));

vi.mock('$lib/outbox/store.ts', () => ({
	// As the IndexedDB index does: an entry without an owner is in no one's list.
	entriesOf: async (ownerId: string) =>
		[...device.entries.values()].filter((e) => e.ownerId === ownerId).sort((a, b) => a.enteredAt.localeCompare(b.enteredAt)).map((e) => structuredClone(e)),
	getEntry: async (key: string) => (device.entries.has(key) ? structuredClone(device.entries.get(key)) : undefined),
	putEntry: async (e: OutboxEntry) => void device.entries.set(e.clientKey, structuredClone(e)),
	deleteEntry: async (key: string) => void device.entries.delete(key),
	getDraft: async (ownerId: string, form: OutboxKind) => device.drafts.get(`${ownerId}/${form}`),
	putDraft: async (d: Draft) => void device.drafts.set(`${d.ownerId}/${d.form}`, d),
	deleteDraft: async (ownerId: string, form: OutboxKind) => void device.drafts.delete(`${ownerId}/${form}`)
}));

const refusal = (httpStatus: number, code: string) =>
	new TRPCClientError(code, { result: { error: { code: -32000, message: code, data: { httpStatus, code } } } });

vi.mock('$lib/trpc.ts', () => ({
	trpc: {
		incident: {
			create: {
				mutate: async (input: { title: string; clientKey: string }, opts?: { context?: { ownerId?: string } }) => {
					server.calls++;
					if (!server.online) throw new TRPCClientError('Failed to fetch');
					if (!server.session) throw refusal(401, 'UNAUTHORIZED');
					if (opts?.context?.ownerId && opts.context.ownerId !== server.session) throw refusal(412, 'PRECONDITION_FAILED');
					const author = server.session;
					let row = server.created.find((r) => r.createdBy === author && r.clientKey === input.clientKey);
					if (!row) {
						row = { id: `incident-${server.created.length + 1}`, createdBy: author, clientKey: input.clientKey, title: input.title };
						server.created.push(row);
					}
					return { id: row.id };
				}
			}
		}
	}
}));

const { outbox } = await import('./outbox.svelte.ts');

const DUTY = 'person-duty';
const EM_DUTY = 'person-em-duty';

/** The phone changes hands: the app layout goes, the next person signs in and the layout comes back. */
async function handOver(to: string | null) {
	outbox.ownedBy(null);
	server.session = to;
	outbox.ownedBy(to);
	await outbox.refresh();
}

beforeEach(async () => {
	device.entries.clear();
	device.drafts.clear();
	server.created = [];
	server.calls = 0;
	server.online = true;
	await handOver(null);
});

describe('a shared duty phone', () => {
	it('keeps one person’s waiting entry from the next person, and sends it as its author exactly once', async () => {
		await handOver(DUTY);
		server.online = false;
		const result = await outbox.submit('incident.create', { title: '港区仓库起火' });
		expect(result.state).toBe('queued');
		expect(outbox.pending).toBe(1);

		// The signal is back, but duty has signed out and em-duty signs in.
		server.online = true;
		await handOver(EM_DUTY);
		const callsBefore = server.calls;
		await outbox.replay();
		expect(server.calls, 'nothing is sent while another person is signed in').toBe(callsBefore);
		expect(outbox.entries, 'nor shown to him').toEqual([]);
		expect(outbox.pending).toBe(0);
		expect(outbox.sent).toEqual([]);
		expect(device.entries.size, 'it stays on the device').toBe(1);

		await handOver(DUTY);
		expect(outbox.pending).toBe(1);
		await outbox.replay();
		await outbox.replay();
		expect(server.created).toEqual([expect.objectContaining({ createdBy: DUTY, title: '港区仓库起火' })]);
		expect(device.entries.size).toBe(0);
		expect(outbox.sent, 'and she is told, once').toEqual([expect.objectContaining({ kind: 'incident.create', id: 'incident-1', input: { title: '港区仓库起火' } })]);
	});

	it('leaves the entry waiting when the session turned out to be someone else’s (signed in in another tab)', async () => {
		await handOver(DUTY);
		server.online = false;
		await outbox.submit('incident.create', { title: '危化品泄漏' });
		server.online = true;
		// The cookie changed under this tab; the tab still thinks duty is signed in.
		server.session = EM_DUTY;
		await outbox.replay();
		expect(server.created).toEqual([]);
		const [entry] = [...device.entries.values()];
		expect(entry?.status, 'not marked refused: it is not the content that was refused').toBe('pending');
		expect(entry?.ownerId).toBe(DUTY);
		expect(outbox.sent).toEqual([]);

		server.session = DUTY;
		await outbox.replay();
		expect(server.created).toEqual([expect.objectContaining({ createdBy: DUTY, title: '危化品泄漏' })]);
	});

	it('keeps a waiting entry through sign-out: signed out, nothing is sent or marked refused', async () => {
		await handOver(DUTY);
		server.online = false;
		await outbox.submit('incident.create', { title: '道路塌陷' });
		server.online = true;
		server.session = null;
		await outbox.replay();
		expect(server.created).toEqual([]);
		expect([...device.entries.values()][0]?.status).toBe('pending');
	});

	it('never sends, shows or hands over an entry kept before entries had an owner', async () => {
		device.entries.set('legacy', {
			clientKey: 'legacy',
			kind: 'incident.create',
			input: { title: '旧版本留下的记录' },
			enteredAt: '2026-01-01T00:00:00.000Z',
			status: 'pending',
			attempts: 0,
			lastError: null,
			existing: null
		});
		for (const person of [EM_DUTY, DUTY]) {
			await handOver(person);
			await outbox.replay();
			expect(outbox.entries).toEqual([]);
			await outbox.discard('legacy');
			await outbox.resend('legacy');
			expect(await outbox.backToForm('legacy')).toBe(false);
		}
		expect(server.calls).toBe(0);
		expect(device.entries.has('legacy'), 'kept on the device all the same').toBe(true);
	});

	it('does not let the next person discard, resend or reopen another person’s entry', async () => {
		await handOver(DUTY);
		server.online = false;
		await outbox.submit('incident.create', { title: '山体滑坡' });
		const [key] = [...device.entries.keys()];
		server.online = true;
		await handOver(EM_DUTY);
		await outbox.discard(key!);
		expect(await outbox.resend(key!)).toBeNull();
		expect(await outbox.backToForm(key!)).toBe(false);
		expect(device.entries.has(key!)).toBe(true);
		expect(server.created).toEqual([]);
	});

	it('keeps each person’s draft of a form to themselves', async () => {
		await handOver(DUTY);
		await outbox.saveDraft('opinion.create', { summary: '李强的草稿' }, []);
		await handOver(EM_DUTY);
		expect(await outbox.draft('opinion.create')).toBeUndefined();
		await outbox.saveDraft('opinion.create', { summary: '孙浩的草稿' }, []);
		await handOver(DUTY);
		expect((await outbox.draft('opinion.create'))?.fields).toEqual({ summary: '李强的草稿' });
		await handOver(null);
		expect(await outbox.draft('opinion.create'), 'signed out, nobody’s draft').toBeUndefined();
	});

	it('says nothing for a submit that went through at once: the form opens the record itself', async () => {
		await handOver(DUTY);
		const result = await outbox.submit('incident.create', { title: '即时提交' });
		expect(result).toMatchObject({ state: 'sent', id: 'incident-1' });
		expect(outbox.sent).toEqual([]);
	});
});
