// A browser's User-Agent header as a person reads it: "iPhone · Safari", "Android · WeChat".
// Product names are proper nouns: in Chinese as their makers write them in China, in English as they name themselves there.
import { m } from './paraglide/messages.js';

/** The in-app browsers of the messaging apps, first: their UA also names the engine they borrow. */
const APPS: [RegExp, () => string][] = [
	[/wxwork\//i, m['device.wecom']],
	[/MicroMessenger\//, m['device.wechat']],
	[/DingTalk\//i, m['device.dingtalk']],
	[/Lark\/|Feishu\//i, m['device.feishu']],
	[/\bQQ\/\d/, () => 'QQ']
];

const BROWSERS: [RegExp, () => string][] = [
	[/EdgA?\/|EdgiOS\//, () => 'Edge'],
	[/OPR\/|OPT\//, () => 'Opera'],
	[/Firefox\/|FxiOS\//, () => 'Firefox'],
	[/SamsungBrowser\//, () => 'Samsung Internet'],
	[/HuaweiBrowser\//, m['device.huawei_browser']],
	[/MiuiBrowser\//, m['device.xiaomi_browser']],
	[/HeyTapBrowser\//, m['device.oppo_browser']],
	[/VivoBrowser\//, m['device.vivo_browser']],
	[/UCBrowser\//, m['device.uc_browser']],
	[/Quark\//, m['device.quark']],
	[/MQQBrowser\//, m['device.qq_browser']],
	[/Baidu(Box)?App\//, m['device.baidu']],
	[/CriOS\/|Chrome\/|Chromium\//, () => 'Chrome'],
	// Safari names itself with Version/…; an app added to the home screen on iOS does not say Safari at all.
	[/Version\/[\d.]+.*Safari\//, () => 'Safari']
];

function device(ua: string): string | null {
	if (/iPhone|iPod/.test(ua)) return 'iPhone';
	if (/iPad/.test(ua)) return 'iPad';
	if (/OpenHarmony|HarmonyOS/.test(ua)) return 'HarmonyOS';
	if (/Android/.test(ua)) return 'Android';
	if (/Windows/.test(ua)) return 'Windows';
	if (/CrOS/.test(ua)) return 'ChromeOS';
	if (/Macintosh|Mac OS X/.test(ua)) return 'Mac';
	if (/Linux|X11/.test(ua)) return 'Linux';
	return null;
}

const first = (ua: string, list: [RegExp, () => string][]) => list.find(([pattern]) => pattern.test(ua))?.[1]() ?? null;

/**
 * "iPhone · Safari", "Windows · Edge", "Android · 企业微信"; the part that is known when only one is;
 * null when neither is (a script, a terminal): the caller shows the raw string then.
 */
export function describeUserAgent(ua: string | null | undefined): string | null {
	if (!ua) return null;
	const parts = [device(ua), first(ua, APPS) ?? first(ua, BROWSERS)].filter((p): p is string => p !== null);
	return parts.length ? parts.join(' · ') : null;
}
