// The public face of notify/: what other domains may use. Anything else in this folder is its own business.

export { sendNotice, settleNotices } from './notices.ts';
export { fallbackSeconds } from './pipeline.ts';
export { storedText } from './text.ts';
export { CHANNELS, type ChannelName } from './channel.ts';
export { sealStoredSecrets } from './secrets.ts';
