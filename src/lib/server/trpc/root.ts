import { breachRouter } from '../breaches/router.ts';
import { calendarRouter } from '../calendar/router.ts';
import { clockRouter } from '../clocks/router.ts';
import { conferenceRouter } from '../conferences/router.ts';
import { expertRouter } from '../experts/router.ts';
import { rulesRouter } from '../clocks/rules-router.ts';
import { inboxRouter } from '../inbox/router.ts';
import { liveRouter } from '../live/router.ts';
import { channelRouter } from '../notify/channels-router.ts';
import { deliveryRouter } from '../notify/delivery-router.ts';
import { deviceRouter } from '../notify/router.ts';
import { dutyRouter } from '../duty/router.ts';
import { incidentRouter } from '../incidents/router.ts';
import { passkeyRouter } from '../passkeys/router.ts';
import { releaseRouter } from '../releases/router.ts';
import { documentRouter } from '../documents/router.ts';
import { signoffRouter } from '../signoff/router.ts';
import { obligationRouter } from '../obligations/router.ts';
import { opinionRouter } from '../opinions/router.ts';
import { personRouter } from '../people/router.ts';
import { settingsRouter } from '../settings/router.ts';
import { auditRouter } from '../audit/router.ts';
import { sessionRouter } from '../auth/router.ts';
import { timelineRouter } from '../timeline/router.ts';
import { unitRouter } from '../units/router.ts';
import { authedProcedure, createCallerFactory, router } from './init.ts';

export const appRouter = router({
	me: authedProcedure.query(({ ctx }) => ctx.user),
	unit: unitRouter,
	person: personRouter,
	settings: settingsRouter,
	audit: auditRouter,
	session: sessionRouter,
	incident: incidentRouter,
	conference: conferenceRouter,
	expert: expertRouter,
	clock: clockRouter,
	inbox: inboxRouter,
	rule: rulesRouter,
	breach: breachRouter,
	live: liveRouter,
	device: deviceRouter,
	delivery: deliveryRouter,
	passkey: passkeyRouter,
	release: releaseRouter,
	document: documentRouter,
	signoff: signoffRouter,
	obligation: obligationRouter,
	opinion: opinionRouter,
	channel: channelRouter,
	calendar: calendarRouter,
	timeline: timelineRouter,
	duty: dutyRouter
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
