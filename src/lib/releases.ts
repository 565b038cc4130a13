// What the release screens share with the server: the channels and kinds, in their display order.
export const RELEASE_CHANNEL_LIST = ['gov_website', 'gov_weibo', 'wechat_official', 'news_media', 'press_conference'] as const;
export type ReleaseChannelName = (typeof RELEASE_CHANNEL_LIST)[number];
export const RELEASE_KIND_LIST = ['authoritative', 'follow_up', 'clarification', 'response', 'opening_statement', 'qa_prep'] as const;
export type ReleaseKindName = (typeof RELEASE_KIND_LIST)[number];
/** Who drafts, edits, submits and publishes: the unit's press people and the office. */
export const DRAFTER_ROLE_LIST = ['press_officer', 'spokesperson', 'office_admin', 'sysadmin'] as const;
