import type { RequestEvent } from '@sveltejs/kit';
import type { Actor } from '../audit/index.ts';
import type { Session, SessionUser } from '../auth/index.ts';
import { OWNER_HEADER } from '../../outbox/owner.ts';
import { actorOf } from '../request.ts';

export interface Context {
	user: SessionUser | null;
	session: Session | null;
	/** who the request comes from, for the audit log; `authedProcedure` widens it to the signed-in actor (actor.ts) */
	actor: Actor;
	/** the app's origin as the browser sees it (WebAuthn checks signatures against it); absent in tests' callers */
	origin?: string;
	/** the id of this request in the server log, shown to the person with a server error; absent in tests' callers */
	requestId?: string;
	/** an outbox send's author (OWNER_HEADER): it is refused under anyone else's session */
	ownerId?: string | null;
}

export function createContext(event: Pick<RequestEvent, 'request' | 'getClientAddress'> & { locals: App.Locals }): Context {
	return {
		user: event.locals.user,
		session: event.locals.session,
		actor: actorOf(event),
		origin: new URL(event.request.url).origin,
		requestId: event.locals.requestId,
		ownerId: event.request.headers.get(OWNER_HEADER)
	};
}
