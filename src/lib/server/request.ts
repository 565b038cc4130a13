import type { RequestEvent } from '@sveltejs/kit';
import type { Actor } from './audit/log.ts';

type EventLike = Pick<RequestEvent, 'getClientAddress' | 'request'> & { locals: App.Locals };

export function clientAddress(event: Pick<RequestEvent, 'getClientAddress'>): string | null {
	try {
		return event.getClientAddress();
	} catch {
		return null;
	}
}

/** Who is making this request, for the audit log. */
export function actorOf(event: EventLike): Actor {
	return {
		personId: event.locals.user?.id ?? null,
		ip: clientAddress(event),
		userAgent: event.request.headers.get('user-agent')
	};
}
