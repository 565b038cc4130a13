// The person a signed-in request acts as: set once by `authedProcedure` (trpc/init.ts) as `ctx.actor`, and the
// one value every flow, reach check and audit line of that request reads. Routers never build it by hand.
import { isOffice, isTopOffice } from '../access.ts';
import type { Role, UnitKind } from '../roles.ts';
import type { Actor as RequestActor } from './audit/log.ts';
import type { SessionUser } from './auth/session.ts';
import { scopeRoot } from './units/scope.ts';

export type { RequestActor };

/** Who is acting. It is an audit-log actor itself: `audit(tx, actor, …)` records who, from where, with what. */
export interface Actor extends RequestActor {
	personId: string;
	name: string;
	unitId: string;
	unitKind: UnitKind;
	/** the root of the units they reach (units/scope.ts); null: every unit, for a system administrator */
	scope: string | null;
	/** their reach starts at the top of the tree */
	scopeIsRoot: boolean;
	roles: Role[];
	/** the open-government office (access.ts `isOffice`) */
	isOffice: boolean;
	/** the office at the top of the tree, or a system administrator (access.ts `isTopOffice`) */
	isTopOffice: boolean;
	/** the audit-log part alone (who, from where, with what): the flows that take an `author` record it from here */
	actor: RequestActor;
	/** the app's origin as the browser sees it: passkey signatures are checked against it */
	origin?: string;
}

/** The actor of a request by `user`, who came as `request` (ip and user agent) from `origin`. */
export function actorFor(user: SessionUser, request: RequestActor, origin?: string): Actor {
	const audit = { personId: user.id, ip: request.ip, userAgent: request.userAgent };
	return {
		...audit,
		name: user.name,
		unitId: user.unitId,
		unitKind: user.unitKind,
		scope: scopeRoot(user),
		scopeIsRoot: user.scopeIsRoot,
		roles: user.roles,
		isOffice: isOffice(user),
		isTopOffice: isTopOffice(user),
		actor: audit,
		...(origin === undefined ? {} : { origin })
	};
}
