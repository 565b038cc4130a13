import type { SessionUser } from '../auth/session.ts';

/** null means every unit: only a system administrator sees the whole tree. */
export function scopeRoot(user: Pick<SessionUser, 'roles' | 'scopeUnitId'>): string | null {
	return user.roles.includes('sysadmin') ? null : user.scopeUnitId;
}
