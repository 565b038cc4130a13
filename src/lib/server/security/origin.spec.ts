import { describe, expect, it } from 'vitest';
import { formRefusal, mutationRefusal } from './origin.ts';

const url = new URL('https://huiying.example.gov.cn/api/trpc/unit.create');

function post(headers: Record<string, string>): Request {
	return new Request(url, { method: 'POST', headers, body: '{}' });
}

describe('mutationRefusal', () => {
	it('lets a JSON mutation from this site through', () => {
		expect(mutationRefusal(post({ origin: url.origin, 'content-type': 'application/json' }), url)).toBeNull();
		expect(mutationRefusal(post({ origin: url.origin, 'content-type': 'application/json; charset=utf-8' }), url)).toBeNull();
		expect(mutationRefusal(post({ origin: url.origin, 'content-type': 'Application/JSON' }), url)).toBeNull();
	});

	it('lets reads through without questions', () => {
		expect(mutationRefusal(new Request(url, { method: 'GET' }), url)).toBeNull();
		expect(mutationRefusal(new Request(url, { method: 'HEAD' }), url)).toBeNull();
	});

	it('refuses the content types a plain HTML form on another site can send', () => {
		const formTypes = [
			'text/plain',
			'Text/Plain',
			'text/plain;charset=UTF-8',
			'application/x-www-form-urlencoded',
			'multipart/form-data; boundary=x'
		];
		for (const type of formTypes) {
			expect(mutationRefusal(post({ origin: url.origin, 'content-type': type }), url), type).toBe(415);
		}
		expect(mutationRefusal(post({ origin: url.origin }), url)).toBe(415);
	});

	it('refuses a mutation that does not say where it comes from', () => {
		expect(mutationRefusal(post({ 'content-type': 'application/json' }), url)).toBe(403);
	});

	it('refuses a mutation from another site, even one that only looks similar', () => {
		const elsewhere = ['https://evil.example', 'http://huiying.example.gov.cn', 'https://huiying.example.gov.cn.evil.example', 'null'];
		for (const origin of elsewhere) {
			expect(mutationRefusal(post({ origin, 'content-type': 'application/json' }), url), origin).toBe(403);
		}
	});

	it('checks where a request comes from before what it carries', () => {
		expect(mutationRefusal(post({ origin: 'https://evil.example', 'content-type': 'text/plain' }), url)).toBe(403);
	});
});

describe('formRefusal', () => {
	const login = new URL('https://huiying.example.gov.cn/login');
	const form = (headers: Record<string, string>) =>
		new Request(login, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: 'login=a' });

	it('refuses a sign-in form posted from another site, or from a sandboxed page', () => {
		expect(formRefusal(form({ origin: 'https://evil.example' }), login)).toBe(403);
		expect(formRefusal(form({ origin: 'null' }), login)).toBe(403);
		expect(formRefusal(new Request(login, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'Text/Plain' }, body: 'x' }), login)).toBe(403);
	});

	it('lets this site’s own form, and a client with no Origin at all, post', () => {
		expect(formRefusal(form({ origin: login.origin }), login)).toBeNull();
		expect(formRefusal(form({}), login)).toBeNull();
	});

	it('leaves JSON and reads to the other checks', () => {
		expect(formRefusal(new Request(login, { method: 'GET' }), login)).toBeNull();
		expect(formRefusal(new Request(login, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body: '{}' }), login)).toBeNull();
	});
});
