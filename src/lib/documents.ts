// What the document screens share with the server: the choices, in their display order.
export const DOCUMENT_STATUS_LIST = ['drafting', 'submitted', 'signed', 'published', 'amended', 'abolished', 'expired'] as const;
export type DocumentStatusName = (typeof DOCUMENT_STATUS_LIST)[number];
export const DISCLOSURE_LIST = ['proactive', 'on_request', 'withheld'] as const;
export type DisclosureName = (typeof DISCLOSURE_LIST)[number];
export const MATERIAL_KIND_LIST = ['text', 'graphic', 'video', 'qa', 'expert_interview', 'principal'] as const;
export type MaterialKindName = (typeof MATERIAL_KIND_LIST)[number];
/** The usual interpretation channels, offered as choices; the plan stores their names, and others may be typed in. */
export const PLAN_CHANNEL_LIST = ['gov_website', 'gov_weibo', 'gov_wechat', 'press_conference', 'news_media', 'briefing', 'gov_app'] as const;
export type PlanChannelName = (typeof PLAN_CHANNEL_LIST)[number];
export const END_KIND_LIST = ['abolished', 'expired', 'amended'] as const;
export type EndKindName = (typeof END_KIND_LIST)[number];

export const isOpen = (status: DocumentStatusName) => status === 'drafting' || status === 'submitted' || status === 'signed';
export const isEnded = (status: DocumentStatusName) => status === 'amended' || status === 'abolished' || status === 'expired';

/** Plain text as paragraphs: one a line, blank lines dropped. Nothing in it is read as markup. */
export function paragraphs(text: string): string[] {
	return text
		.split(/\r?\n/)
		.map((line) => line.trim())
		.filter(Boolean);
}
