// A browser's User-Agent header as a person reads it: "iPhone · Safari", "Android · 微信".
// Product names are proper nouns, written as their makers write them in China; they are not translated.

/** The in-app browsers of the messaging apps, first: their UA also names the engine they borrow. */
const APPS: [RegExp, string][] = [
	[/wxwork\//i, '企业微信'],
	[/MicroMessenger\//, '微信'],
	[/DingTalk\//i, '钉钉'],
	[/Lark\/|Feishu\//i, '飞书'],
	[/\bQQ\/\d/, 'QQ']
];

const BROWSERS: [RegExp, string][] = [
	[/EdgA?\/|EdgiOS\//, 'Edge'],
	[/OPR\/|OPT\//, 'Opera'],
	[/Firefox\/|FxiOS\//, 'Firefox'],
	[/SamsungBrowser\//, 'Samsung Internet'],
	[/HuaweiBrowser\//, '华为浏览器'],
	[/MiuiBrowser\//, '小米浏览器'],
	[/HeyTapBrowser\//, 'OPPO浏览器'],
	[/VivoBrowser\//, 'vivo浏览器'],
	[/UCBrowser\//, 'UC浏览器'],
	[/Quark\//, '夸克'],
	[/MQQBrowser\//, 'QQ浏览器'],
	[/Baidu(Box)?App\//, '百度'],
	[/CriOS\/|Chrome\/|Chromium\//, 'Chrome'],
	// Safari names itself with Version/…; an app added to the home screen on iOS does not say Safari at all.
	[/Version\/[\d.]+.*Safari\//, 'Safari']
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

const first = (ua: string, list: [RegExp, string][]) => list.find(([pattern]) => pattern.test(ua))?.[1] ?? null;

/**
 * "iPhone · Safari", "Windows · Edge", "Android · 企业微信"; the part that is known when only one is;
 * null when neither is (a script, a terminal): the caller shows the raw string then.
 */
export function describeUserAgent(ua: string | null | undefined): string | null {
	if (!ua) return null;
	const parts = [device(ua), first(ua, APPS) ?? first(ua, BROWSERS)].filter((p): p is string => p !== null);
	return parts.length ? parts.join(' · ') : null;
}
