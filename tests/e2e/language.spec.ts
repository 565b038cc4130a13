// 我的 → 语言: a person reads the app in their language on any phone; a shared phone follows whoever signed in
// last, and the sign-in page follows the phone's last choice.
import { expect, test, type Page } from '@playwright/test';
import { freePort } from '../../scripts/lib/embedded-pg.ts';
import { serveApp } from '../../scripts/lib/serve.ts';
import { cleanupsAfterEach, ownDemoDatabase } from './push-support.ts';
import { DEMO_PASSWORD, ready, shootPhone, signInDirectly } from './support.ts';

const cleanups = cleanupsAfterEach();
// A database of its own: the person's language is theirs everywhere, and other specs sign in as the same people.
const database = ownDemoDatabase('huiying_language');
const SHOTS = process.env.SHOTS_DIR;

async function ownServer() {
	const server = await serveApp({ databaseUrl: database.url, port: await freePort(), buildDir: process.env.E2E_BUILD_DIR, quiet: true, env: { SHUTDOWN_TIMEOUT: '1' } });
	cleanups.push(() => server.stop());
	return server;
}

async function signInInEnglish(page: Page, login: string, origin: string) {
	await page.goto(`${origin}/login`);
	await ready(page);
	await page.getByLabel('Mobile number or username').fill(login);
	await page.getByLabel('Password').fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).tap();
}

test('a person chooses English in 我的; the phone keeps it for the sign-in page and gives the next person their own', async ({ page }) => {
	const server = await ownServer();
	// Directly: a retry finds the person already in English.
	await signInDirectly(page, 'duty', DEMO_PASSWORD, server.url, '/me');
	await page.getByRole('radio', { name: 'English' }).check();
	// The page comes back in English: navigation, title and the html language.
	const nav = page.getByRole('navigation', { name: 'Main navigation' });
	await expect(nav.getByRole('link', { name: 'Home' })).toBeVisible();
	await expect(page.locator('html')).toHaveAttribute('lang', 'en');
	await expect(page.getByRole('heading', { level: 1, name: 'Me' })).toBeVisible();
	await expect(page.getByRole('radio', { name: 'English' })).toBeChecked();
	await shootPhone(page, SHOTS, 'me-en', { fullPage: true });
	await page.goto(`${server.url}/`);
	await ready(page);
	await expect(page.locator('main')).not.toContainText('工作台');

	// Signed out, the sign-in page stays in the phone's last language.
	await nav.getByRole('link', { name: 'Me', exact: true }).tap();
	await expect(page.getByRole('heading', { level: 1, name: 'Me' })).toBeVisible();
	await page.getByRole('button', { name: 'Sign out' }).tap();
	await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();

	// Someone else signs in on the same phone: their pages are in their own language, Chinese.
	await signInInEnglish(page, 'vicemayor', server.url);
	await expect(page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '工作台' })).toBeVisible();
	await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');

	// And the first person's choice holds when they come back.
	await page.context().clearCookies();
	await signInDirectly(page, 'duty', DEMO_PASSWORD, server.url);
	await expect(page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Home' })).toBeVisible();
});

test('the sign-in page can be switched to English before anyone signs in', async ({ page }) => {
	const server = await ownServer();
	await page.goto(`${server.url}/login`);
	await ready(page);
	await page.getByRole('radio', { name: 'English' }).check();
	await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
	await expect(page.locator('html')).toHaveAttribute('lang', 'en');
	await page.getByRole('radio', { name: '中文' }).check();
	await expect(page.getByRole('button', { name: '登录' })).toBeVisible();
});
