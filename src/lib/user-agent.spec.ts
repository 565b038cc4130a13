import { describe, expect, it } from 'vitest';
import { describeUserAgent } from './user-agent.ts';

const UA = {
	iphoneSafari:
		'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
	iphoneHomeScreen: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
	iphoneChrome:
		'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1',
	iphoneWechat:
		'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003133) NetType/WIFI Language/zh_CN',
	androidChrome:
		'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36',
	androidWxwork:
		'Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 wxwork/4.1.22 MicroMessenger/7.0.1 NetType/WIFI Language/zh ColorScheme/Light',
	androidDingTalk:
		'Mozilla/5.0 (Linux; U; Android 12; zh-CN; PEDM00 Build/SKQ1.211019.001) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/69.0.3497.100 UWS/3.22.2.59 Mobile Safari/537.36 AliApp(DingTalk/7.5.10) com.alibaba.android.rimet/34380706 Channel/10002068 language/zh-CN abi/64 UT4Aplus/0.2.25 colorScheme/light',
	harmony:
		'Mozilla/5.0 (Phone; OpenHarmony 4.1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 ArkWeb/4.1.6.1 Mobile HuaweiBrowser/5.0.4.300',
	windowsEdge:
		'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.68',
	windowsChrome: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
	macSafari:
		'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
	macFirefox: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0',
	linuxHeadless: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.6778.33 Safari/537.36'
};

describe('a browser as a person names it', () => {
	it.each([
		[UA.iphoneSafari, 'iPhone · Safari'],
		[UA.iphoneChrome, 'iPhone · Chrome'],
		[UA.androidChrome, 'Android · Chrome'],
		[UA.windowsEdge, 'Windows · Edge'],
		[UA.windowsChrome, 'Windows · Chrome'],
		[UA.macSafari, 'Mac · Safari'],
		[UA.macFirefox, 'Mac · Firefox'],
		[UA.linuxHeadless, 'Linux · Chrome'],
		[UA.harmony, 'HarmonyOS · 华为浏览器']
	])('%s', (ua, shown) => {
		expect(describeUserAgent(ua)).toBe(shown);
	});

	it('names the messaging app a link was opened in, not the engine it borrows', () => {
		expect(describeUserAgent(UA.iphoneWechat)).toBe('iPhone · 微信');
		// 企业微信 also calls itself MicroMessenger
		expect(describeUserAgent(UA.androidWxwork)).toBe('Android · 企业微信');
		expect(describeUserAgent(UA.androidDingTalk)).toBe('Android · 钉钉');
	});

	it('says only the device when the browser does not name itself (an app on the iPhone home screen)', () => {
		expect(describeUserAgent(UA.iphoneHomeScreen)).toBe('iPhone');
	});

	it('leaves what it cannot read to the caller', () => {
		expect(describeUserAgent('curl/8.5.0')).toBeNull();
		expect(describeUserAgent('')).toBeNull();
		expect(describeUserAgent(null)).toBeNull();
	});
});
