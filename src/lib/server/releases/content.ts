// A release's text: cleaned of any markup on the way in, hashed for sign-off, rendered from Markdown-lite
// (paragraphs, bold, lists, links) on the way out, and compared version to version.
import { createHash } from 'node:crypto';
import { diffWords } from 'diff';
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { RELEASE_CHANNEL_LIST, type ReleaseChannelName } from '../../releases.ts';

export const RELEASE_CHANNELS = RELEASE_CHANNEL_LIST;
export type ReleaseChannel = ReleaseChannelName;

export interface ReleaseContent {
	title: string;
	body: string;
	talkingPoints: string;
	channels: ReleaseChannel[];
}

/**
 * Text as people meant it: HTML is not part of Markdown-lite, so every tag goes, and whatever sat inside
 * a script, style or similar element goes with it. What remains is stored and rendered escaped.
 */
export function cleanText(text: string): string {
	// Until nothing changes: a tag that came in entity-encoded (&lt;script&gt;) is a tag once decoded, and
	// cleaning stored text again must give the same text (and hash) back.
	let clean = stripOnce(text);
	for (let i = 0; i < 5; i++) {
		const again = stripOnce(clean);
		if (again === clean) break;
		clean = again;
	}
	return clean;
}

function stripOnce(text: string): string {
	const stripped = sanitizeHtml(text, {
		allowedTags: [],
		allowedAttributes: {},
		// a <script> (and kin) loses its content too; every other tag keeps its text
		nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed', 'template'],
		// sanitize-html escapes what it keeps; the stored form is plain text, escaped again when rendered
		textFilter: (t) => t
	});
	return decodeEntities(stripped)
		.replace(/\r\n?/g, '\n')
		.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
		.trim();
}

function decodeEntities(s: string): string {
	return s.replace(/&(amp|lt|gt|quot|#39|#x27|nbsp);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", nbsp: ' ' })[e] ?? _);
}

export function cleanContent(c: ReleaseContent): ReleaseContent {
	const channels = RELEASE_CHANNELS.filter((ch) => c.channels.includes(ch));
	return { title: cleanText(c.title).replace(/\s+/g, ' '), body: cleanText(c.body), talkingPoints: cleanText(c.talkingPoints), channels };
}

/** SHA-256 over the canonical content: what a leader approves is exactly this. */
export function contentHash(c: ReleaseContent): string {
	const canonical = JSON.stringify(['huiying.release.v1', c.title, c.body, c.talkingPoints, [...c.channels].sort()]);
	return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

export { shortCode } from '../signoff/index.ts';

// Markdown-lite: the "zero" preset knows nothing; only the rules named here are switched on. Raw HTML
// stays off, so anything that looks like a tag is shown as text.
const md = new MarkdownIt('zero', { html: false, linkify: false, breaks: true }).enable([
	'paragraph',
	'emphasis',
	'list',
	'link',
	'newline',
	'text',
	'escape',
	'balance_pairs',
	'fragments_join'
]);
md.validateLink = (url) => /^(https?:\/\/|mailto:)/i.test(url.trim());

/** HTML for the screen, built from escaped text and then filtered again: only the Markdown-lite elements survive. */
export function renderBody(text: string): string {
	return sanitizeHtml(md.render(text), {
		allowedTags: ['p', 'strong', 'em', 'ul', 'ol', 'li', 'a', 'br'],
		allowedAttributes: { a: ['href', 'rel', 'target'] },
		allowedSchemes: ['http', 'https', 'mailto'],
		transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow', target: '_blank' }) }
	});
}

export interface DiffPart {
	op: 'same' | 'added' | 'removed';
	text: string;
}

// Chinese has no spaces between words: the segmenter finds the words, so a changed phrase shows as one.
const words = new Intl.Segmenter('zh', { granularity: 'word' });

export function diffText(before: string, after: string): DiffPart[] {
	return diffWords(before, after, { intlSegmenter: words }).map((p) => ({
		op: p.added ? 'added' : p.removed ? 'removed' : 'same',
		text: p.value
	}));
}
