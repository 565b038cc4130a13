// A short line taken from a longer text, for a title: cut on a boundary a reader accepts, never inside a
// pair of brackets or quotation marks left open (a clarification titled 关于“【网传江城化工…”的澄清说明).

const PAIRS: Record<string, string> = {
	'【': '】',
	'〔': '〕',
	'［': '］',
	'（': '）',
	'(': ')',
	'[': ']',
	'《': '》',
	'〈': '〉',
	'「': '」',
	'『': '』',
	'“': '”',
	'‘': '’'
};
const CLOSERS = new Set(Object.values(PAIRS));
const SENTENCE_END = new Set(['。', '！', '？', '!', '?', '\n']);
const ELLIPSIS = '…';

/** The pairs open after each character of `chars`: `open[i]` holds the closers still owed after chars[0..i). */
function openPairs(chars: string[]): string[][] {
	const stack: string[] = [];
	const open: string[][] = [[]];
	for (const c of chars) {
		if (PAIRS[c]) stack.push(PAIRS[c]);
		else if (CLOSERS.has(c)) {
			// a stray closer (an unopened 】) is text like any other
			const at = stack.lastIndexOf(c);
			if (at >= 0) stack.splice(at);
		}
		open.push([...stack]);
	}
	return open;
}

/**
 * `text` in at most `max` characters, every bracket and quotation mark it opens closed. A longer one is cut, marked with …, and every bracket or quotation mark
 * still open at the cut is closed after it: 【网传江城化工园区…】. The cut never leaves an opener with nothing
 * inside it (【…】); the opener goes too.
 */
export function clip(text: string, max: number): string {
	const chars = Array.from(text);
	const open = openPairs(chars);
	// whole, with what it left open closed (a first sentence ended by a line break inside 【…)
	const owedAtEnd = open[chars.length]!;
	if (chars.length + owedAtEnd.length <= max) return text + [...owedAtEnd].reverse().join('');
	for (let cut = max - 1; cut > 0; cut--) {
		const owed = open[cut]!;
		// what was kept, the ellipsis and the closers owed must all fit in max
		if (cut + 1 + owed.length > max) continue;
		// an opener right before the cut would enclose nothing but the ellipsis
		if (PAIRS[chars[cut - 1]!]) continue;
		return chars.slice(0, cut).join('') + ELLIPSIS + [...owed].reverse().join('');
	}
	return chars.slice(0, Math.max(0, max - 1)).join('') + ELLIPSIS;
}

/** The first sentence of `text`: up to the first 。！？ or line break outside brackets and quotation marks. */
export function firstSentence(text: string): string {
	const chars = Array.from(text.trim());
	let depth = 0;
	for (let i = 0; i < chars.length; i++) {
		const c = chars[i]!;
		if (PAIRS[c]) depth++;
		else if (CLOSERS.has(c) && depth > 0) depth--;
		// a line break ends the sentence even inside an unclosed bracket: a pasted post rarely closes one across lines
		else if (c === '\n' || (depth === 0 && SENTENCE_END.has(c))) return chars.slice(0, i).join('').trim();
	}
	return chars.join('');
}

/** A summary's gist for a title: its first sentence, at most `max` characters, its brackets balanced. */
export function gist(summary: string, max = 30): string {
	return clip(firstSentence(summary), max);
}
