// Every administration screen and who may open it, in one place: the side bar on a desk and the 管理 section of
// 我的 on a phone list the same screens, so none is out of reach on either.
import Building2 from '@lucide/svelte/icons/building-2';
import CalendarDays from '@lucide/svelte/icons/calendar-days';
import FileCheck from '@lucide/svelte/icons/file-check';
import GraduationCap from '@lucide/svelte/icons/graduation-cap';
import ListChecks from '@lucide/svelte/icons/list-checks';
import MessagesSquare from '@lucide/svelte/icons/messages-square';
import ScrollText from '@lucide/svelte/icons/scroll-text';
import Settings from '@lucide/svelte/icons/settings';
import ShieldAlert from '@lucide/svelte/icons/shield-alert';
import ShieldCheck from '@lucide/svelte/icons/shield-check';
import Users from '@lucide/svelte/icons/users';
import { isOffice, isTopOffice, type AccessPerson } from './access.ts';
import { m } from './paraglide/messages.js';
import { isAdmin, isAuditor } from './roles.ts';

export interface AdminScreen {
	href: string;
	label: string;
	icon: typeof Building2;
}

// `office`: the screen reads what only the open-government office may (officeProcedure); the others are open to
// every administrator, a department's too (its own units and people; settings, calendar and experts to read).
// `top`: only the top office's (topOfficeProcedure), for what spans the whole organisation.
const SCREENS: { href: string; label: () => string; icon: AdminScreen['icon']; office: boolean; top?: true }[] = [
	{ href: '/admin/units', label: m['nav.admin_units'], icon: Building2, office: false },
	{ href: '/admin/people', label: m['nav.admin_people'], icon: Users, office: false },
	{ href: '/admin/breaches', label: m['nav.admin_breaches'], icon: ShieldAlert, office: true },
	{ href: '/admin/rules', label: m['nav.admin_rules'], icon: ListChecks, office: true },
	{ href: '/admin/chains', label: m['nav.admin_chains'], icon: FileCheck, office: true },
	{ href: '/admin/channels', label: m['nav.admin_channels'], icon: MessagesSquare, office: true },
	{ href: '/admin/calendar', label: m['nav.admin_calendar'], icon: CalendarDays, office: false },
	{ href: '/admin/experts', label: m['nav.admin_experts'], icon: GraduationCap, office: false },
	{ href: '/admin/settings', label: m['nav.admin_settings'], icon: Settings, office: false },
	{ href: '/admin/audit/records', label: m['nav.admin_audit_records'], icon: ScrollText, office: true, top: true },
	{ href: '/admin/audit', label: m['nav.admin_audit'], icon: ShieldCheck, office: true, top: true }
];

/** Who may open the administration screens: an administrator, and an auditor (every one of them, to read). */
export const opensAdminScreens = (user: Pick<AccessPerson, 'roles'>): boolean => isAdmin(user.roles) || isAuditor(user.roles);

/** The administration screens this person may open, in the order both menus show them; none for a non-administrator. */
export function adminScreensFor(user: AccessPerson): AdminScreen[] {
	if (isAuditor(user.roles)) return SCREENS.map((s) => ({ href: s.href, label: s.label(), icon: s.icon }));
	if (!isAdmin(user.roles)) return [];
	const office = isOffice(user);
	const top = isTopOffice(user);
	return SCREENS.filter((s) => (office || !s.office) && (top || !s.top)).map((s) => ({ href: s.href, label: s.label(), icon: s.icon }));
}
