// The shapes every router's free input is made of: text, a moment in time, a calendar day. Each is bounded
// here, once, so that nothing a person or a client sends can reach the database in a form it refuses (a NUL
// byte) or come back in a form a screen cannot show (a year before 1901, or before the common era).
import { z } from 'zod';
import type { MessageKey } from '../../i18n/index.ts';
import { CLOCK_SKEW_MS, formatDate } from '../../time.ts';
import { labelledAs } from './zod-messages.ts';

/** Nothing Huiying records happened before this: the floor of every date that enters. */
export const EARLIEST = new Date('2000-01-01T00:00:00+08:00');
/** How far ahead anything may be planned (a press conference, a postponement). */
export const PLANNING_HORIZON_MS = 366 * 86_400_000;
/** The ceiling of a phone's own clock (recorded as told, not trusted) and of a time its flow bounds itself. */
export const A_DAY_MS = 86_400_000;

// C0 controls (NUL, BEL, ESC…), DEL and the C1 block. Multi-line text keeps tab and the line breaks.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_IN_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// Stripping keeps every kind of white space: the canonical form of a release or document folds it.
const CONTROLS_TO_STRIP = new RegExp(CONTROL_IN_LINES.source, 'g');

/** A Chinese message for a custom issue: `zodMessage` reads `params.key` and fills in the field. */
const because = (key: MessageKey, params: Record<string, string | number> = {}) => ({ key, ...params });

/**
 * Free text typed by a person: at most `max` characters, no control characters (line breaks and tabs
 * only where `lines` is set), trimmed unless `trim: false`, at least `min` characters after trimming.
 * `strip` drops control characters instead of refusing them: only for the text of releases and documents,
 * pasted from office software (a manual line break arrives as U+000B), whose canonical form drops them anyway;
 * white space stays for that form to fold.
 * `label` names the field when its key is not its label (a person's `name` is 「姓名」).
 * Returns a string schema, so `.default()`, `.regex()` and `.nullable()` chain as before.
 */
export function text(max: number, opts: { min?: number; lines?: boolean; trim?: boolean; strip?: boolean; label?: string } = {}): z.ZodString {
	const pattern = opts.lines ? CONTROL_IN_LINES : CONTROL;
	let s = opts.label ? z.string({ error: labelledAs(opts.label) }) : z.string();
	if (opts.trim !== false) s = s.trim();
	s = opts.strip
		? s.overwrite((v) => v.replace(CONTROLS_TO_STRIP, ''))
		: s.refine((v) => !pattern.test(v), { params: because('error.control_characters') });
	if (opts.min) s = s.min(opts.min);
	return s.max(max);
}

type Latest = 'now' | 'day' | 'planned';
const latestOf: Record<Latest, () => number> = {
	now: () => Date.now() + CLOCK_SKEW_MS,
	day: () => Date.now() + A_DAY_MS,
	planned: () => Date.now() + PLANNING_HORIZON_MS
};

/**
 * A moment sent as ISO 8601 with an offset, no earlier than 2000 and no later than `latest`:
 * `now` (the rule says "not in the future": now plus the clock skew the flows allow), `day` (a day ahead: a
 * phone's own clock, or a time whose flow states "not in the future" itself, naming the field more precisely
 * than a path into a list can) or `planned` (within a year). `future` names the domain's message past `now`.
 */
export function moment(latest: Latest, future: MessageKey = 'error.date_future') {
	return z.iso
		.datetime({ offset: true })
		.transform((s) => new Date(s))
		.check((ctx) => {
			const at = ctx.value.getTime();
			const issue = (params: Record<string, string | number>) => ctx.issues.push({ code: 'custom', input: ctx.value, params });
			if (Number.isNaN(at)) issue(because('error.invalid_format'));
			else if (at < EARLIEST.getTime()) issue(because('error.date_too_early', { earliest: formatDate(EARLIEST) }));
			else if (at > latestOf[latest]())
				issue(latest === 'now' ? because(future) : because('error.date_too_late', { latest: formatDate(new Date(latestOf[latest]())) }));
		});
}

/** A China calendar date (`2026-10-01`) in the years the working-day calendar can know. */
export const day = z.iso.date().refine((s) => s >= '2000-01-01' && s <= '2100-12-31', { params: because('error.date_out_of_range', { from: 2000, to: 2100 }) });
