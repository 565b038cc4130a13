// Shared by server and browser: role names as in DOMAIN.md.
export const ROLES = ['duty', 'press_officer', 'spokesperson', 'leader', 'principal', 'office_admin', 'sysadmin'] as const;
export type Role = (typeof ROLES)[number];

export const UNIT_KINDS = ['region', 'government', 'office', 'department'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export function isAdmin(roles: readonly Role[]): boolean {
	return roles.includes('office_admin') || roles.includes('sysadmin');
}
