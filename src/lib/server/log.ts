// The one logger: JSON lines on standard output, one per event, for whatever collects the process's output.
// A server error is written once, where it is caught (hooks.server.ts handleError, the tRPC endpoint's onError,
// the jobs' error event), with the request id the person was shown. Never a request body, a header or a
// database error's detail (PostgreSQL's "Failing row contains (…)" is the row the person typed).
import { encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { pino, type DestinationStream } from 'pino';

let out: DestinationStream = pino.destination({ dest: 1, sync: true });

export const log = pino(
	{
		base: { app: 'huiying' },
		timestamp: pino.stdTimeFunctions.isoTime,
		formatters: { level: (label) => ({ level: label }) },
		// pino's own serializer writes every property an error carries; this one only what errorFields allows.
		serializers: { err: (error: unknown) => errorFields(error) },
		// Belt and braces: these names never reach a line, whoever logs them.
		redact: { paths: ['password', 'token', 'cookie', 'authorization', '*.password', '*.token', '*.cookie', '*.authorization'], censor: '[redacted]' }
	},
	{ write: (line: string) => out.write(line) }
);

/** Tests read the lines instead of standard output; returns the undo. */
export function logTo(stream: DestinationStream): () => void {
	const previous = out;
	out = stream;
	return () => {
		out = previous;
	};
}

/** Eight characters a person can read out to support on the phone: 40 random bits in base32 (no 0, 1, 8 or 9 to mistake). */
export function newRequestId(): string {
	return encodeBase32UpperCaseNoPadding(crypto.getRandomValues(new Uint8Array(5)));
}

interface ErrorFields {
	type: string;
	message: string;
	/** SQLSTATE, Node's errno name or tRPC's code */
	code?: string;
	stack?: string;
	cause?: ErrorFields;
}

/** What of an error may be written: its kind, message, code and stack, and the same of its cause. Nothing else it carries. */
export function errorFields(error: unknown, depth = 0): ErrorFields {
	// pg-boss emits plain objects shaped like errors.
	const e = error as { name?: unknown; message?: unknown; code?: unknown; stack?: unknown; cause?: unknown } | null;
	if (typeof e !== 'object' || e === null || typeof e.message !== 'string') return { type: typeof error, message: String(error).slice(0, 500) };
	return {
		type: typeof e.name === 'string' ? e.name : 'Error',
		message: e.message.slice(0, 500),
		...(typeof e.code === 'string' ? { code: e.code } : {}),
		...(typeof e.stack === 'string' ? { stack: e.stack } : {}),
		...(e.cause !== undefined && depth < 3 ? { cause: errorFields(e.cause, depth + 1) } : {})
	};
}

export interface ServerErrorContext {
	requestId?: string;
	/** where it happened: a route id, a procedure, a job queue */
	where?: string;
	method?: string;
	[key: string]: string | number | undefined;
}

/** One line for one server error. */
export function logServerError(error: unknown, context: ServerErrorContext): void {
	log.error({ ...context, err: error }, 'server error');
}

/**
 * Lets the first of a run of identical events through, then at most one per `windowMs`, each saying how many
 * of the same were left out since the last one written.
 */
export function repeatFilter(windowMs: number, now: () => number = Date.now) {
	let last = { key: '', at: 0, leftOut: 0 };
	return (key: string): { log: boolean; repeatsLeftOut: number } => {
		const at = now();
		if (key === last.key && at - last.at < windowMs) {
			last.leftOut += 1;
			return { log: false, repeatsLeftOut: 0 };
		}
		const repeatsLeftOut = key === last.key ? last.leftOut : 0;
		last = { key, at, leftOut: 0 };
		return { log: true, repeatsLeftOut };
	};
}
