// Shared by server and browser: every action the audit log records (`audit(tx, actor, { action, … })` under
// src/lib/server), and what each is called in the interface (messages/<locale>/audit-actions.json). A new action is
// added here and in the catalogue; audit-actions.spec.ts fails until both know every action the server writes.
import * as labels from './paraglide/families.js';

export const AUDIT_ACTIONS = [
	'access.refused',
	'audit.chain_broken',
	'audit.exported',
	'audit.verified',
	'breach.notice_of_criticism',
	'breach.summons',
	'calendar.year_entered',
	'channel.mapping_set',
	'channel.settings_updated',
	'conference.cancelled',
	'conference.held',
	'conference.planned',
	'conference.postponed',
	'conference.updated',
	'device.registered',
	'device.removed',
	'document.abolished',
	'document.amended',
	'document.approved',
	'document.countersigned',
	'document.created',
	'document.edited',
	'document.expired',
	'document.marked',
	'document.material_attached',
	'document.material_edited',
	'document.material_removed',
	'document.materials_published',
	'document.published',
	'document.rejected',
	'document.review_passed',
	'document.review_rejected',
	'document.signoff_flagged',
	'document.submitted',
	'duty.roster_imported',
	'duty.shift_removed',
	'duty.shift_saved',
	'expert.created',
	'expert.deactivated',
	'expert.reactivated',
	'expert.updated',
	'file.removed_unused',
	'file.uploaded',
	'incident.closed',
	'incident.level_changed',
	'incident.logged',
	'incident.merged',
	'incident.updated',
	'obligation.reminded',
	'opinion.assessed',
	'opinion.captured',
	'opinion.closed',
	'opinion.conference_linked',
	'opinion.consulted',
	'opinion.incident_linked',
	'opinion.merged',
	'opinion.response_recorded',
	'passkey.registered',
	'passkey.removed',
	'person.channel_order_set',
	'person.created',
	'person.deactivated',
	'person.locale_changed',
	'person.password_changed',
	'person.password_reset',
	'person.public_phone_set',
	'person.reactivated',
	'person.updated',
	'release.approved',
	'release.countersigned',
	'release.created',
	'release.edited',
	'release.published',
	'release.rejected',
	'release.review_passed',
	'release.review_rejected',
	'release.signoff_flagged',
	'release.submitted',
	'release.withdrawn',
	'review_chain.updated',
	'rule.updated',
	'second_factor.enrolled',
	'second_factor.reset',
	'session.ended',
	'session.ended_others',
	'session.step_up_failed',
	'session.stepped_up',
	'settings.fallback_updated',
	'settings.second_factor_updated',
	'settings.session_updated',
	'sign_in.failed',
	'sign_in.refused',
	'sign_in.second_factor_asked',
	'sign_in.second_factor_failed',
	'sign_in.succeeded',
	'sign_out',
	'unit.created',
	'unit.deactivated',
	'unit.reactivated',
	'unit.updated'
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** An action's family: the part before its first dot (the whole action when it has none). */
type FamilyOf<A extends string> = A extends `${infer F}.${string}` ? F : A;
export type AuditFamily = FamilyOf<AuditAction>;

export const auditFamilyOf = (action: string): string => action.split('.', 1)[0]!;

/** Every family, for a filter list. */
export const AUDIT_FAMILIES: readonly AuditFamily[] = [...new Set(AUDIT_ACTIONS.map((a) => auditFamilyOf(a) as AuditFamily))].sort();

export function isAuditAction(action: string): action is AuditAction {
	return (AUDIT_ACTIONS as readonly string[]).includes(action);
}

export function isAuditFamily(family: string): family is AuditFamily {
	return (AUDIT_FAMILIES as readonly string[]).includes(family);
}

// The labels are `auditaction.<action>`; the compiled catalogue groups keys by all but their last part
// (scripts/lib/messages.ts), so an action `family.rest` reads as `auditaction_family(rest)`. Each group is named here
// rather than looked up by a whole key, so a screen's bundle carries the audit labels and not every message.
type DottedFamily = FamilyOf<Extract<AuditAction, `${string}.${string}`>>;
const BY_FAMILY: Readonly<Record<DottedFamily, (rest: string) => string>> = {
	access: labels.auditaction_access,
	audit: labels.auditaction_audit,
	breach: labels.auditaction_breach,
	calendar: labels.auditaction_calendar,
	channel: labels.auditaction_channel,
	conference: labels.auditaction_conference,
	device: labels.auditaction_device,
	document: labels.auditaction_document,
	duty: labels.auditaction_duty,
	expert: labels.auditaction_expert,
	file: labels.auditaction_file,
	incident: labels.auditaction_incident,
	obligation: labels.auditaction_obligation,
	opinion: labels.auditaction_opinion,
	passkey: labels.auditaction_passkey,
	person: labels.auditaction_person,
	release: labels.auditaction_release,
	review_chain: labels.auditaction_review_chain,
	rule: labels.auditaction_rule,
	second_factor: labels.auditaction_second_factor,
	session: labels.auditaction_session,
	settings: labels.auditaction_settings,
	sign_in: labels.auditaction_sign_in,
	unit: labels.auditaction_unit
};

/** What an audit action is called, in the interface language; an action the catalogue does not know reads as itself. */
export function auditActionLabel(action: string): string {
	if (!isAuditAction(action)) return action;
	const dot = action.indexOf('.');
	if (dot < 0) return labels.auditaction(action);
	return BY_FAMILY[action.slice(0, dot) as DottedFamily](action.slice(dot + 1));
}

/** What a family of audit actions is called (登录, 突发事件…); an unknown family reads as itself. */
export function auditFamilyLabel(family: string): string {
	return isAuditFamily(family) ? labels.auditfamily(family) : family;
}
