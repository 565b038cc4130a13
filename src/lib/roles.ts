// Shared by server and browser: role names as in DOMAIN.md.
export const ROLES = ['duty', 'press_officer', 'spokesperson', 'leader', 'principal', 'office_admin', 'sysadmin', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const UNIT_KINDS = ['region', 'government', 'office', 'department'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** The roles only a system administrator grants. */
export const SYSADMIN_GRANTED: readonly Role[] = ['sysadmin', 'auditor'];

/** An auditor (审计员) reads everything and changes nothing; the role is held alone (separation of duties). */
export function isAuditor(roles: readonly Role[]): boolean {
	return roles.includes('auditor');
}

export function isAdmin(roles: readonly Role[]): boolean {
	return roles.includes('office_admin') || roles.includes('sysadmin');
}
