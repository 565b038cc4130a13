import { z } from 'zod';
import { t, type MessageKey } from '../../i18n/index.ts';
import { m } from '../../paraglide/messages.js';
import { fieldLabel } from '../errors.ts';

/** Zod issues in Chinese, each naming the field by its label (looked up under `labelKey` when given). */
export function zodMessage(issue: z.core.$ZodRawIssue, labelKey?: string): string | undefined {
	const path = issue.path ?? [];
	const last = [...path].reverse().find((p) => typeof p === 'string') as string | undefined;
	const field = fieldLabel(labelKey ?? last ?? 'id');
	switch (issue.code) {
		case 'invalid_type':
			return issue.input === undefined || issue.input === null
				? m['error.required']({ field })
				: m['error.invalid_format']({ field });
		case 'too_small':
			if (issue.origin === 'string')
				return Number(issue.minimum) <= 1 ? m['error.required']({ field }) : m['error.too_short']({ field, min: Number(issue.minimum) });
			if (issue.origin === 'array') return m['error.required']({ field });
			return m['error.too_small_number']({ field, min: Number(issue.minimum) });
		case 'too_big':
			if (issue.origin === 'string') return m['error.too_long']({ field, max: Number(issue.maximum) });
			if (issue.origin === 'array') return m['error.too_many']({ field, max: Number(issue.maximum) });
			return m['error.too_big_number']({ field, max: Number(issue.maximum) });
		case 'invalid_format':
			return m['error.invalid_format']({ field });
		case 'invalid_value':
			return m['error.invalid_choice']({ field });
		case 'custom': {
			// A check in trpc/fields.ts names its message and its parameters.
			const { key, ...params } = (issue.params ?? {}) as { key?: MessageKey } & Record<string, string | number>;
			return key ? t(key, { field, ...params }) : m['error.invalid_format']({ field });
		}
		// A union none of whose options fit (an optional id given a number), a wrong key or element: still Chinese.
		default:
			return m['error.invalid_format']({ field });
	}
}

/** For a field whose label is not its key, e.g. `z.string({ error: labelledAs('personName') })`: a person's name is 「姓名」. */
export const labelledAs = (labelKey: string) => (issue: z.core.$ZodRawIssue) => zodMessage(issue, labelKey);

z.config({ customError: (issue) => zodMessage(issue) });
