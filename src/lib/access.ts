// Shared by server and browser: who counts as the open-government office. Reach itself (which units a
// person sees) is SQL and lives in `server/units/scope.ts`; this is the part a screen needs too.
import type { Role, UnitKind } from './roles.ts';

export interface AccessPerson {
	roles: readonly Role[];
	unitKind: UnitKind;
	/** their reach starts at the top of the tree */
	scopeIsRoot: boolean;
}

/** The open-government office (政务公开办): an office admin working in an office unit, or a system administrator. */
export function isOffice(user: Pick<AccessPerson, 'roles' | 'unitKind'>): boolean {
	return user.roles.includes('sysadmin') || (user.roles.includes('office_admin') && user.unitKind === 'office');
}

/** The office of the top government (or a system administrator): what applies to every unit is theirs to change. */
export function isTopOffice(user: AccessPerson): boolean {
	return user.roles.includes('sysadmin') || (isOffice(user) && user.scopeIsRoot);
}
