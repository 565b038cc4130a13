import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { t, type MessageKey } from '../../i18n/index.ts';
import { sql } from '../db.ts';
import { FieldError, fieldLabel } from '../errors.ts';
import { makePerson, makeUnit, refusal, signInAs, TEST_PASSWORD, type SignedIn } from '../test-helpers.ts';
import { createCaller } from '../trpc/root.ts';
import { secondFactorProof, stepUpOptions, verifyStepUp, type SecondFactorProof } from './step-up.ts';
import { SoftAuthenticator } from './test-authenticator.ts';

const ORIGIN = 'https://huiying.example.gov.cn';

interface Leader extends SignedIn {
	phone: SoftAuthenticator;
	/** the tRPC caller as the browser reaches it, with the origin WebAuthn checks against */
	api: ReturnType<typeof createCaller>;
}

let mayor: Leader, viceMayor: Leader, director: Leader, deputy: Leader;

async function leader(username: string): Promise<Leader> {
	const s = await signInAs(username);
	return { ...s, phone: new SoftAuthenticator(), api: createCaller({ user: s.user, session: s.session, actor: s.actor, origin: ORIGIN }) };
}

beforeAll(async () => {
	const government = await makeUnit('江城市人民政府', null, 'government');
	const bureau = await makeUnit('江城市应急管理局', government.id);
	await Promise.all([
		makePerson(government.id, ['principal'], { username: 'mayor', name: '张市长' }),
		makePerson(government.id, ['leader'], { username: 'vice-mayor', name: '刘副市长' }),
		makePerson(bureau.id, ['principal'], { username: 'director', name: '周局长' }),
		makePerson(bureau.id, ['leader'], { username: 'deputy', name: '钱副局长' })
	]);
	[mayor, viceMayor, director, deputy] = await Promise.all([leader('mayor'), leader('vice-mayor'), leader('director'), leader('deputy')]);
});

/** Registers a passkey on the leader's phone through the router, as 我的 does. */
async function registerOn(who: Leader, name = 'iPhone') {
	const { challengeId, options } = await who.api.passkey.registrationOptions();
	return who.api.passkey.register({ challengeId, name, response: who.phone.create(options, ORIGIN) });
}

const stepUp = (who: Leader, binding: string, proof: SecondFactorProof) =>
	sql.begin((tx) => verifyStepUp(tx, who.user.id, binding, proof, ORIGIN));

/** The key of the message a step-up was refused with, on the field `proof`. */
async function refusedWith(p: Promise<unknown>): Promise<string> {
	const e = await p.then(
		() => null,
		(e: unknown) => e
	);
	expect(e).toBeInstanceOf(FieldError);
	expect((e as FieldError).field).toBe('proof');
	return (e as FieldError).message;
}
/** The message as FieldError words it: step-up refusals name 「身份验证」, registration ones the answer. */
const message = (key: MessageKey, field = 'proof') => t(key, { field: fieldLabel(field) });

async function stored(id: string) {
	const [row] = await sql<{ counter: number; lastUsedAt: Date | null; personId: string; publicKey: Buffer; transports: string[] }[]>`
		select counter::int as counter, last_used_at, person_id, public_key, transports from passkeys where id = ${id}`;
	return row;
}

describe('registering a passkey in 我的', () => {
	it('verifies the phone’s answer, keeps its public key and audits it', async () => {
		const key = await registerOn(mayor, '  我的 iPhone  ');
		expect(key).toMatchObject({ name: '我的 iPhone', lastUsedAt: null });
		expect(key.createdAt).toMatch(/\+08:00$/);
		expect(key.id).toBe(mayor.phone.credentials[0]!.id);

		const row = await stored(key.id);
		expect(row!.personId).toBe(mayor.user.id);
		// A COSE EC2 key: kty, alg, crv, x (32 bytes) and y (32 bytes).
		expect(row!.publicKey.length).toBeGreaterThan(64);
		expect(row!.transports).toEqual(['internal']);
		expect(await mayor.api.passkey.list()).toEqual([key]);
		const [audited] = await sql`select actor_id from audit_log where action = 'passkey.registered' and entity_id = ${key.id}`;
		expect(audited?.actorId).toBe(mayor.user.id);
	});

	it('offers the passkeys already on record as excluded, so the same phone is not registered twice', async () => {
		const { options } = await mayor.api.passkey.registrationOptions();
		expect(options.excludeCredentials?.map((c) => c.id)).toEqual((await mayor.api.passkey.list()).map((k) => k.id));
		expect(options.rp.id).toBe('huiying.example.gov.cn');
		expect(options.authenticatorSelection).toMatchObject({ residentKey: 'preferred', userVerification: 'preferred' });
	});

	it('refuses an empty or over-long name in Chinese, naming the field', async () => {
		const { challengeId, options } = await deputy.api.passkey.registrationOptions();
		const response = deputy.phone.create(options, ORIGIN);
		const empty = await refusal(deputy.api.passkey.register({ challengeId, name: '   ', response }));
		expect(empty).toBeInstanceOf(FieldError);
		expect((empty as FieldError).field).toBe('name');
		expect(empty.message).toBe('「通行密钥名称」必须填写');
		const long = await refusal(deputy.api.passkey.register({ challengeId, name: '长'.repeat(61), response }));
		expect(long.message).toBe('「通行密钥名称」最多 60 个字');
		// The refusals did not use the challenge up: the same answer with a good name goes through.
		expect((await deputy.api.passkey.register({ challengeId, name: '长'.repeat(60), response })).name).toHaveLength(60);
	});

	it('refuses an answer made for another site or replayed with a used challenge', async () => {
		const first = await director.api.passkey.registrationOptions();
		const phishing = director.phone.create(first.options, 'https://huiying.example.com');
		expect((await refusal(director.api.passkey.register({ challengeId: first.challengeId, name: 'iPhone', response: phishing }))).message).toBe(
			message('passkey.registration_invalid')
		);

		const second = await director.api.passkey.registrationOptions();
		const response = director.phone.create(second.options, ORIGIN);
		await director.api.passkey.register({ challengeId: second.challengeId, name: 'iPhone', response });
		expect((await refusal(director.api.passkey.register({ challengeId: second.challengeId, name: 'iPhone', response }))).message).toBe(
			message('passkey.expired', 'response')
		);
		expect(await director.api.passkey.list()).toHaveLength(1);
	});

	it('lists and removes only my own passkeys', async () => {
		const mine = await registerOn(viceMayor, 'Android 手机');
		expect((await mayor.api.passkey.list()).map((k) => k.id)).not.toContain(mine.id);
		expect((await refusal(mayor.api.passkey.remove({ id: mine.id }))).code).toBe('NOT_FOUND');
		expect(await stored(mine.id)).toBeDefined();

		await viceMayor.api.passkey.remove({ id: mine.id });
		expect(await viceMayor.api.passkey.list()).toEqual([]);
		const [audited] = await sql`select before from audit_log where action = 'passkey.removed' and entity_id = ${mine.id}`;
		expect(audited?.before).toMatchObject({ name: 'Android 手机' });
	});

	it('is for signed-in people only', async () => {
		const anonymous = createCaller({ user: null, session: null, actor: mayor.actor, origin: ORIGIN });
		expect((await refusal(anonymous.passkey.registrationOptions())).code).toBe('UNAUTHORIZED');
	});
});

describe('step-up with a passkey', () => {
	const binding = (n: string) => `release-signoff:${n}:${'a'.repeat(64)}`;

	async function options(who: Leader, b: string) {
		const o = await stepUpOptions(who.user.id, b, ORIGIN);
		if (!o.passkeys) throw new Error('expected passkeys');
		return o;
	}

	it('binds the challenge to what is signed and requires the owner’s verification', async () => {
		const o = await options(mayor, binding('r1'));
		const bytes = Buffer.from(o.options.challenge, 'base64url');
		expect(bytes).toHaveLength(48);
		expect(bytes.subarray(16).equals(createHash('sha256').update(binding('r1')).digest())).toBe(true);
		expect(o.options.userVerification).toBe('required');
		expect(o.options.rpId).toBe('huiying.example.gov.cn');
		expect(o.options.allowCredentials?.map((c) => c.id)).toEqual(mayor.phone.credentials.map((c) => c.id));
	});

	it('accepts a valid assertion for the right binding, bumps the counter and records the use', async () => {
		const b = binding('r2');
		const o = await options(mayor, b);
		const response = mayor.phone.get(o.options, ORIGIN);
		const before = await stored(response.id);

		expect(await stepUp(mayor, b, { kind: 'passkey', challengeId: o.challengeId, response })).toEqual({ factor: 'passkey', passkeyId: response.id });
		const after = await stored(response.id);
		expect(after!.counter).toBeGreaterThan(before!.counter);
		expect(after!.lastUsedAt).not.toBeNull();
		expect((await mayor.api.passkey.list())[0]!.lastUsedAt).not.toBeNull();
	});

	it('refuses the signature when it was asked for something else', async () => {
		const o = await options(mayor, binding('r3'));
		const response = mayor.phone.get(o.options, ORIGIN);
		expect(await refusedWith(stepUp(mayor, binding('r3-other-version'), { kind: 'passkey', challengeId: o.challengeId, response }))).toBe(
			message('passkey.proof_invalid')
		);
	});

	it('refuses a challenge used once already', async () => {
		const b = binding('r4');
		const o = await options(mayor, b);
		const proof: SecondFactorProof = { kind: 'passkey', challengeId: o.challengeId, response: mayor.phone.get(o.options, ORIGIN) };
		await stepUp(mayor, b, proof);
		expect(await refusedWith(stepUp(mayor, b, proof))).toBe(message('passkey.expired'));
		// A fresh signature over the used challenge is no better.
		const again = mayor.phone.get(o.options, ORIGIN);
		expect(await refusedWith(stepUp(mayor, b, { ...proof, response: again }))).toBe(message('passkey.expired'));
	});

	it('refuses an expired challenge', async () => {
		const b = binding('r5');
		const o = await options(mayor, b);
		await sql`update webauthn_challenges set expires_at = now() - interval '1 second' where id = ${o.challengeId}`;
		const response = mayor.phone.get(o.options, ORIGIN);
		expect(await refusedWith(stepUp(mayor, b, { kind: 'passkey', challengeId: o.challengeId, response }))).toBe(message('passkey.expired'));
		const [row] = await sql`select used_at from webauthn_challenges where id = ${o.challengeId}`;
		expect(row?.usedAt).toBeNull();
	});

	it('refuses another person’s passkey, and another person’s challenge', async () => {
		await registerOn(viceMayor, 'iPhone');
		const b = binding('r6');
		const o = await options(mayor, b);
		// The vice-mayor's phone signs the mayor's challenge with its own key.
		const stranger = viceMayor.phone.assert(viceMayor.phone.credentials.at(-1)!, o.options.challenge, ORIGIN);
		expect(await refusedWith(stepUp(mayor, b, { kind: 'passkey', challengeId: o.challengeId, response: stranger }))).toBe(
			message('passkey.proof_invalid')
		);
		// …and the vice-mayor cannot answer the mayor's challenge as himself either.
		expect(await refusedWith(stepUp(viceMayor, b, { kind: 'passkey', challengeId: o.challengeId, response: stranger }))).toBe(
			message('passkey.expired')
		);
		// The mayor's own answer still works: the refusals did not spend the challenge.
		const own = mayor.phone.get(o.options, ORIGIN);
		expect((await stepUp(mayor, b, { kind: 'passkey', challengeId: o.challengeId, response: own })).factor).toBe('passkey');
	});

	it('refuses an assertion without user verification, or signed for another origin', async () => {
		const b = binding('r7');
		const o = await options(mayor, b);
		mayor.phone.userVerified = false;
		const unverified = mayor.phone.get(o.options, ORIGIN);
		mayor.phone.userVerified = true;
		expect(await refusedWith(stepUp(mayor, b, { kind: 'passkey', challengeId: o.challengeId, response: unverified }))).toBe(
			message('passkey.proof_invalid')
		);
		const phishing = mayor.phone.get(o.options, 'https://huiying.example.com');
		expect(await refusedWith(stepUp(mayor, b, { kind: 'passkey', challengeId: o.challengeId, response: phishing }))).toBe(
			message('passkey.proof_invalid')
		);
	});

	it('refuses a replayed assertion whose counter went backwards', async () => {
		const b = binding('r8');
		const first = await options(mayor, b);
		const old = mayor.phone.get(first.options, ORIGIN);
		const second = await options(mayor, b);
		await stepUp(mayor, b, { kind: 'passkey', challengeId: second.challengeId, response: mayor.phone.get(second.options, ORIGIN) });
		// `old` was signed before the counter moved on: a cloned authenticator would look like this.
		expect(await refusedWith(stepUp(mayor, b, { kind: 'passkey', challengeId: first.challengeId, response: old }))).toBe(
			message('passkey.proof_invalid')
		);
	});
});

describe('step-up with the password', () => {
	const b = 'release-signoff:p:' + 'b'.repeat(64);

	it('is accepted only from someone who has no passkey', async () => {
		expect(await stepUpOptions(deputy.user.id, b, ORIGIN)).toMatchObject({ passkeys: true });
		const noKey = await leader('director');
		for (const k of await noKey.api.passkey.list()) await noKey.api.passkey.remove({ id: k.id });
		expect(await stepUpOptions(noKey.user.id, b, ORIGIN)).toEqual({ passkeys: false });
		expect(await stepUp(noKey, b, { kind: 'password', password: TEST_PASSWORD })).toEqual({ factor: 'password', passkeyId: null });

		expect(await refusedWith(stepUp(mayor, b, { kind: 'password', password: TEST_PASSWORD }))).toBe(message('passkey.use_passkey'));
	});

	it('refuses a wrong password and locks after 5 failures, even for the right one', async () => {
		const someone = await makePerson((await sql<{ id: string }[]>`select id from units limit 1`)[0]!.id, ['leader'], { username: 'new-leader' });
		const who = await leader(someone.username!);
		const wrong = () => stepUp(who, b, { kind: 'password', password: 'not-my-password' });
		for (let i = 0; i < 4; i++) expect(await refusedWith(wrong())).toBe('「身份验证」未通过：密码不正确');
		// The fifth failure locks, although each refusal rolled the caller's transaction back.
		expect(await refusedWith(wrong())).toBe('「身份验证」尝试次数过多，请 15 分钟后再试');
		expect(await refusedWith(stepUp(who, b, { kind: 'password', password: TEST_PASSWORD }))).toBe('「身份验证」尝试次数过多，请 15 分钟后再试');

		await sql`update sign_in_throttle set locked_until = now() - interval '1 second' where key = ${'stepup:' + who.user.id}`;
		expect((await stepUp(who, b, { kind: 'password', password: TEST_PASSWORD })).factor).toBe('password');
	});
});

describe('the proof as a tRPC input', () => {
	it('takes either kind and keeps out what is not shaped like an answer', async () => {
		expect(secondFactorProof.safeParse({ kind: 'password', password: 'x' }).success).toBe(true);
		expect(secondFactorProof.safeParse({ kind: 'password', password: '' }).success).toBe(false);
		const o = await stepUpOptions(mayor.user.id, 'release-signoff:z:1', ORIGIN);
		if (!o.passkeys) throw new Error('expected passkeys');
		const response = mayor.phone.get(o.options, ORIGIN);
		expect(secondFactorProof.parse({ kind: 'passkey', challengeId: o.challengeId, response })).toEqual({ kind: 'passkey', challengeId: o.challengeId, response });
		expect(secondFactorProof.safeParse({ kind: 'passkey', challengeId: 'not-a-uuid', response }).success).toBe(false);
		expect(secondFactorProof.safeParse({ kind: 'passkey', challengeId: o.challengeId, response: { id: 'x' } }).success).toBe(false);
	});
});
