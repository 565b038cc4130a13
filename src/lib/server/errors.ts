import { TRPCError } from '@trpc/server';
import { t, type MessageKey } from '../i18n/index.ts';
import { m } from '../paraglide/messages.js';
// The server speaks every domain: all strings are loaded here, which every server module reaches.

/** A rejected input: which field, and why, in the interface language. */
export class FieldError extends TRPCError {
	readonly field: string;
	constructor(field: string, key: MessageKey, params?: Record<string, string | number>) {
		super({ code: 'BAD_REQUEST', message: t(key, { field: fieldLabel(field), ...params }) });
		this.field = field;
	}
}

/** A change that needs the person to prove who they are again first (trpc/init.ts steppedUp). */
export class StepUpRequired extends TRPCError {
	constructor(message: string) {
		super({ code: 'FORBIDDEN', message });
	}
}

/** A value beyond the person's reach or authority (a parent unit, an office): a field error to them, a refusal in the audit log. */
export class RefusedField extends FieldError {}

/** What a person sees of a server error: the apology, and the id that finds its line in the server log. */
export function serverErrorMessage(requestId: string | undefined): string {
	return requestId ? m['error.server_ref']({ id: requestId }) : m['error.server']();
}

export function notFound(): TRPCError {
	return new TRPCError({ code: 'NOT_FOUND', message: m['error.not_found']() });
}

export function forbidden(): TRPCError {
	return new TRPCError({ code: 'FORBIDDEN', message: m['error.forbidden']() });
}

/** The field's label; for a path into a list (`publications.gov_weibo.url`), the label of its last part. */
export function fieldLabel(field: string): string {
	for (const name of [field, field.split('.').at(-1)!]) {
		const key = `field.${name}` as MessageKey;
		const label = t(key);
		if (label !== key) return label;
	}
	return field;
}

/** A replayed submission whose body differs from the first: the client shows both versions. */
export class ConflictError extends TRPCError {
	readonly existing: unknown;
	constructor(key: MessageKey, existing: unknown) {
		super({ code: 'CONFLICT', message: t(key) });
		this.existing = existing;
	}
}
