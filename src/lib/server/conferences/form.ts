// What the conference form offers to choose from, loaded the same way for a new conference and an edit.
import { toIso } from '../../time.ts';
import { sql } from '../db.ts';
import type { createCaller } from '../trpc/index.ts';
import { openDeadlines } from './queries.ts';

type Caller = ReturnType<typeof createCaller>;

export async function formChoices(caller: Caller, alsoIncidentId: string | null = null) {
	// No list of people: a speaker or host beyond the unit's spokespersons is found by name (PersonPicker).
	const [units, spokespersons, open] = await Promise.all([
		caller.unit.list(),
		caller.conference.spokespersons(),
		caller.incident.list({ status: 'open', limit: 100 }).then((page) => page.items)
	]);
	const incidents = open.map((i) => ({ id: i.id, title: i.title, level: i.level, leadUnitId: i.leadUnitId, occurredAt: i.occurredAt }));
	// A closed incident can still be the subject of a conference already linked to it, or of a link followed here.
	if (alsoIncidentId && !incidents.some((i) => i.id === alsoIncidentId)) {
		const i = await caller.incident.byId({ id: alsoIncidentId });
		incidents.push({ id: i.id, title: i.title, level: i.level, leadUnitId: i.leadUnitId, occurredAt: i.occurredAt });
	}
	const deadlines = await openDeadlines(
		sql,
		incidents.map((i) => i.id)
	);
	return {
		units: units.filter((u) => u.active),
		spokespersons,
		incidents: incidents.map((i) => {
			const d = deadlines.find((x) => x.incidentId === i.id);
			return {
				...i,
				deadline: d
					? { ruleName: d.ruleName, dueAt: toIso(d.dueAt), hours: Math.round((d.dueAt.getTime() - d.startsAt.getTime()) / 3_600_000) }
					: null
			};
		})
	};
}
export type FormChoices = Awaited<ReturnType<typeof formChoices>>;
