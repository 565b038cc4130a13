// The browser's side of Web Push: subscribing this device, and re-subscribing it after the server's
// key changed. Asking for permission happens only after a tap that explains why.
import { m } from '$lib/paraglide/messages.js';
import { trpc } from '$lib/trpc.ts';

export type PushSupport = 'supported' | 'needs_install' | 'unsupported';

/** iOS delivers Web Push only to the installed app (16.4+): in Safari the answer is "添加到主屏幕" first. */
export function pushSupport(): PushSupport {
	const ua = navigator.userAgent;
	const ios = /iPad|iPhone|iPod/.test(ua) || (ua.includes('Macintosh') && navigator.maxTouchPoints > 1);
	const standalone = window.matchMedia('(display-mode: standalone)').matches || (navigator as Navigator & { standalone?: boolean }).standalone === true;
	if (ios && !standalone) return 'needs_install';
	if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return 'unsupported';
	return 'supported';
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
	const b64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
	const raw = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
	const out = new Uint8Array(new ArrayBuffer(raw.length));
	for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
	return out;
}

function sameKey(sub: PushSubscription, key: Uint8Array): boolean {
	const current = sub.options.applicationServerKey;
	if (!current) return false;
	const a = new Uint8Array(current);
	return a.length === key.length && a.every((v, i) => v === key[i]);
}

/** A readable name for this device: browser and platform. */
export function deviceName(): { name: string; platform: string } {
	const ua = navigator.userAgent;
	const platform = /iPhone|iPad/.test(ua) ? 'iOS' : /Android/.test(ua) ? 'Android' : /Windows/.test(ua) ? 'Windows' : /Mac/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : '';
	const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : m['device.browser']();
	return { name: `${platform ? platform + ' ' : ''}${browser}`, platform };
}

async function register(sub: PushSubscription, name?: string) {
	const json = sub.toJSON() as { endpoint: string; keys: { p256dh: string; auth: string } };
	const d = deviceName();
	return trpc.device.register.mutate({ endpoint: json.endpoint, keys: json.keys, name: name ?? d.name, platform: d.platform });
}

/** After the person's tap: permission, subscription with the server's key, and the device on record. */
export async function enablePush(): Promise<'granted' | 'denied'> {
	const permission = await Notification.requestPermission();
	if (permission !== 'granted') return 'denied';
	const registration = await navigator.serviceWorker.ready;
	const key = keyBytes(await trpc.device.vapidPublicKey.query());
	let sub = await registration.pushManager.getSubscription();
	if (sub && !sameKey(sub, key)) {
		await sub.unsubscribe();
		sub = null;
	}
	sub ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
	await register(sub);
	return 'granted';
}

/** On each visit: a device subscribed with an old key subscribes again with the current one. */
export async function refreshSubscription(): Promise<void> {
	if (pushSupport() !== 'supported' || Notification.permission !== 'granted') return;
	const registration = await navigator.serviceWorker.ready;
	const sub = await registration.pushManager.getSubscription();
	if (!sub) return;
	const key = keyBytes(await trpc.device.vapidPublicKey.query());
	if (sameKey(sub, key)) return;
	await sub.unsubscribe();
	await register(await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }));
}
