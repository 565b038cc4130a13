// What the opinion screens share with the server: sources, types, heat, in display order.
import type { trpc } from '$lib/trpc.ts';

export const OPINION_SOURCES = ['weibo', 'wechat', 'douyin', 'news_site', 'forum', 'hotline_12345', 'media_enquiry', 'other'] as const;
export type OpinionSource = (typeof OPINION_SOURCES)[number];
export const OPINION_TYPES = ['rumour', 'misreading', 'complaint', 'media_enquiry', 'criticism', 'other'] as const;
export type OpinionType = (typeof OPINION_TYPES)[number];
export const OPINION_HEATS = ['general', 'significant', 'major'] as const;
export type OpinionHeat = (typeof OPINION_HEATS)[number];
export const OPINION_STATUSES = ['awaiting_assessment', 'assessed', 'responded', 'closed', 'merged'] as const;
export type OpinionStatus = (typeof OPINION_STATUSES)[number];

/** Still open: it can be answered, consulted on and evaluated (assessed too, until answered). */
export const opinionOpen = (status: string) => status === 'awaiting_assessment' || status === 'assessed' || status === 'responded';

/** An item as its page shows it: sightings, assessment, responses, consultations, clocks, timeline. */
export type OpinionItem = Awaited<ReturnType<typeof trpc.opinion.byId.query>>;

const HOSTS: [RegExp, OpinionSource][] = [
	[/(^|\.)(weibo\.com|weibo\.cn)$/, 'weibo'],
	[/(^|\.)(weixin\.qq\.com|wechat\.com)$/, 'wechat'],
	[/(^|\.)(douyin\.com|iesdouyin\.com)$/, 'douyin'],
	[/(^|\.)(tieba\.baidu\.com|douban\.com|zhihu\.com|tianya\.cn)$/, 'forum'],
	[/(^|\.)(people\.com\.cn|xinhuanet\.com|news\.cn|chinanews\.com\.cn|thepaper\.cn|163\.com|sina\.com\.cn|qq\.com|cctv\.com|gmw\.cn)$/, 'news_site']
];

/** Pasting a link pre-fills where it was seen. */
export function sourceOfUrl(url: string): OpinionSource | null {
	let host: string;
	try {
		host = new URL(url.trim()).hostname.toLowerCase();
	} catch {
		return null;
	}
	for (const [pattern, source] of HOSTS) if (pattern.test(host)) return source;
	return null;
}
