// A release's text on the way in (every tag gone, a script with its content), on the way out (only the
// Markdown-lite elements, links that cannot run code or reach back to the app) and as the hash a leader signs.
import { describe, expect, it } from 'vitest';
import { cleanContent, cleanText, contentHash, diffText, renderBody, shortCode, type ReleaseContent } from './content.ts';

/** Any opening tag carrying an event handler, e.g. `<img onerror=…>`. */
const HANDLER = /<[a-z][^>]*\son[a-z]+\s*=/i;
/** Every tag name the rendered HTML contains. */
const tagsOf = (html: string) => [...html.matchAll(/<\/?([a-z0-9]+)/gi)].map((m) => m[1]!.toLowerCase());

describe('cleanText', () => {
	it('drops a script together with what it would have run', () => {
		expect(cleanText('<script>alert("窃取会话")</script>市应急管理局通报')).toBe('市应急管理局通报');
		expect(cleanText('通报<SCRIPT SRC=//evil.example/x.js></SCRIPT>如下')).toBe('通报如下');
		expect(cleanText('<style>body{display:none}</style>正文')).toBe('正文');
		expect(cleanText('前<iframe src="https://evil.example">框内</iframe>后')).toBe('前后');
	});

	it('drops event handler attributes with their tags, and keeps the text the tags wrapped', () => {
		expect(cleanText('<img src=x onerror=alert(1)>现场图片')).toBe('现场图片');
		expect(cleanText('<a href="#" onclick="steal()">详见官网</a>')).toBe('详见官网');
		expect(cleanText('<svg onload=alert(1)>')).toBe('');
		const out = cleanText('<div onmouseover="x()"><b>伤亡</b>情况<i>待核实</i></div>');
		expect(out).toBe('伤亡情况待核实');
		expect(out).not.toMatch(/onmouseover|onerror|onclick/);
	});

	it('removes every tag, also a script split to slip past a single pass', () => {
		const out = cleanText('<scr<script>ipt>alert(1)</script>');
		expect(out).not.toMatch(/<\s*script/i);
		expect(out).not.toMatch(/<[a-z]/i);
	});

	it('keeps what people write that only looks like markup', () => {
		expect(cleanText('温度 3<5 且 7>6')).toBe('温度 3<5 且 7>6');
		expect(cleanText('AT&T 公司 & 合作方')).toBe('AT&T 公司 & 合作方');
		expect(cleanText('“引号”与 \'单引号\'')).toBe('“引号”与 \'单引号\'');
	});

	it('normalises line ends, removes control characters and trims', () => {
		expect(cleanText('  第一行\r\n第二行\r第三行\u0007\u0000  ')).toBe('第一行\n第二行\n第三行');
		expect(cleanText('保留\t制表符')).toBe('保留\t制表符');
	});

	it('never stores a tag, even one that came in entity-encoded', () => {
		// Decoding after stripping must not turn escaped text back into live markup.
		const out = cleanText('&lt;script&gt;alert(1)&lt;/script&gt;通报');
		expect(out).not.toMatch(/<script/i);
	});

	it('is stable: cleaning stored text again changes nothing, so re-saving an unchanged draft keeps its hash', () => {
		for (const input of ['<b>粗</b>体', '温度 3<5', '&lt;b&gt;加粗&lt;/b&gt;', '&amp;lt;', '<scr<script>ipt>x</script>']) {
			const once = cleanText(input);
			expect(cleanText(once), input).toBe(once);
		}
	});
});

describe('cleanContent', () => {
	it('cleans every field, folds the title onto one line and keeps the channels in their canonical order', () => {
		const c = cleanContent({
			title: ' 关于<b>化工园区</b>\n爆炸的   通报 ',
			body: '<p onclick="x()">正文</p>',
			talkingPoints: '<script>1</script>口径',
			channels: ['wechat_official', 'gov_website', 'wechat_official']
		});
		expect(c).toEqual({ title: '关于化工园区 爆炸的 通报', body: '正文', talkingPoints: '口径', channels: ['gov_website', 'wechat_official'] });
	});
});

describe('renderBody', () => {
	it('renders Markdown-lite: paragraphs, bold, emphasis, lists and line breaks', () => {
		expect(renderBody('**重要**通报')).toBe('<p><strong>重要</strong>通报</p>\n');
		expect(renderBody('第一段\n\n第二段')).toBe('<p>第一段</p>\n<p>第二段</p>\n');
		expect(renderBody('- 疏散群众\n- 封闭道路')).toBe('<ul>\n<li>疏散群众</li>\n<li>封闭道路</li>\n</ul>\n');
		expect(renderBody('1. 甲\n2. 乙')).toBe('<ol>\n<li>甲</li>\n<li>乙</li>\n</ol>\n');
		expect(renderBody('*初步*')).toBe('<p><em>初步</em></p>\n');
		expect(renderBody('行一\n行二')).toBe('<p>行一<br />\n行二</p>\n');
	});

	it('leaves headings, code and images as text: they are not part of Markdown-lite', () => {
		expect(tagsOf(renderBody('# 标题\n\n`code`'))).toEqual(['p', 'p', 'p', 'p']);
		expect(renderBody('![图](https://www.gov.cn/a.png)')).not.toContain('<img');
	});

	it('opens links in a new tab with rel noopener, and never with the app as their opener', () => {
		const html = renderBody('[市政府网站](https://www.jiangcheng.gov.cn/tb/1.html)');
		expect(html).toBe(
			'<p><a href="https://www.jiangcheng.gov.cn/tb/1.html" rel="noopener noreferrer nofollow" target="_blank">市政府网站</a></p>\n'
		);
		expect(renderBody('[邮件](mailto:press@jiangcheng.gov.cn)')).toContain('href="mailto:press@jiangcheng.gov.cn" rel="noopener noreferrer nofollow"');
	});

	it('never makes a link of javascript:, data: or protocol-relative addresses', () => {
		for (const url of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'data:text/html;base64,PHNjcmlwdD4=', '//evil.example', 'vbscript:x']) {
			const html = renderBody(`[点击查看](${url})`);
			expect(html, url).not.toContain('<a');
			expect(html, url).not.toMatch(/href=/i);
		}
	});

	it('shows markup as text: no script, no element with an event handler', () => {
		const attacks = [
			'<script>alert(1)</script>',
			'<img src=x onerror=alert(1)>',
			'<a href="javascript:alert(1)" onclick="x()">点</a>',
			'[x](https://a.example" onmouseover="alert(1))',
			'<svg><script>alert(1)</script></svg>',
			'**<img src=x onerror=alert(1)>**'
		];
		for (const a of attacks) {
			const html = renderBody(a);
			expect(html, a).not.toMatch(/<script/i);
			expect(html, a).not.toMatch(HANDLER);
			expect(html, a).not.toMatch(/<a\s[^>]*href="javascript:/i);
			expect(tagsOf(html).every((tag) => ['p', 'strong', 'em', 'ul', 'ol', 'li', 'a', 'br'].includes(tag)), a).toBe(true);
		}
		expect(renderBody('<script>alert(1)</script>')).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n');
	});
});

describe('the hash a leader signs', () => {
	const content: ReleaseContent = { title: '关于化工园区爆炸的通报', body: '正文', talkingPoints: '', channels: ['gov_website', 'gov_weibo'] };

	it('is SHA-256 hex over the content, whatever order the channels were ticked in', () => {
		const h = contentHash(content);
		expect(h).toMatch(/^[0-9a-f]{64}$/);
		expect(contentHash({ ...content, channels: ['gov_weibo', 'gov_website'] })).toBe(h);
		expect(shortCode(h)).toBe(h.slice(0, 4).toUpperCase());
	});

	it('changes with any field, even one character of the body', () => {
		const h = contentHash(content);
		const variants: ReleaseContent[] = [
			{ ...content, title: content.title + '。' },
			{ ...content, body: '正文。' },
			{ ...content, talkingPoints: ' ' },
			{ ...content, channels: ['gov_website'] }
		];
		for (const v of variants) expect(contentHash(v)).not.toBe(h);
		// Fields do not run into one another: moving text from title to body is a different text.
		expect(contentHash({ ...content, title: 'ab', body: 'c' })).not.toBe(contentHash({ ...content, title: 'a', body: 'bc' }));
	});
});

describe('diffText', () => {
	it('compares Chinese by words, so a changed phrase shows as one change', () => {
		expect(diffText('今天下午发布通报', '今天上午发布通报')).toEqual([
			{ op: 'same', text: '今天' },
			{ op: 'removed', text: '下午' },
			{ op: 'added', text: '上午' },
			{ op: 'same', text: '发布通报' }
		]);
		expect(diffText('不变', '不变')).toEqual([{ op: 'same', text: '不变' }]);
	});
});
