import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	event.depends('app:document');
	const caller = callerFor(event);
	const document = await caller.document.byId({ id: event.params.id });
	// The choices of the material form, only for those who may add one; its principal is found by name as it is typed.
	const experts = document.can.edit ? await caller.expert.list() : [];
	return {
		document,
		experts: experts.map((x) => ({ id: x.id, name: x.name, field: x.field, organisation: x.organisation })),
		// the steps a notice asked this person to acknowledge: 收到 right here, where the notice led
		toAcknowledge: await caller.clock.toAcknowledge({ clockIds: document.clocks.map((c) => c.id) }),
		waiting: document.waiting,
		serverNowMs: Date.now()
	};
};
