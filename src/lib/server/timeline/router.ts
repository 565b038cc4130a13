// The older lines of a subject's timeline, a page at a time: the subject's own page carries the latest
// (timelineOut), and 显示更早的记录 reads on from there.
import { z } from 'zod';
import { SUBJECT_TYPES } from '../../subjects.ts';
import { sql } from '../db.ts';
import { notFound } from '../errors.ts';
import { cursor } from '../pages.ts';
import { visibleSubjects } from '../subjects.ts';
import { authedProcedure, router } from '../trpc/index.ts';
import { timelinePage, type TimelineCursor } from './queries.ts';

const olderCursor = cursor(z.tuple([z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/), z.string().regex(/^\d{1,18}$/)]) as z.ZodType<TimelineCursor>);

export const timelineRouter = router({
	older: authedProcedure
		.input(z.object({ subject: z.enum(SUBJECT_TYPES), id: z.uuid(), cursor: olderCursor.unwrap().unwrap() }))
		.query(async ({ ctx, input }) => {
			const subject = { type: input.subject, id: input.id };
			// The same reach as the subject's own page: one out of reach, or none, is not found.
			const canSee = await visibleSubjects(sql, [subject], ctx.actor);
			if (!canSee(subject)) throw notFound();
			return timelinePage(sql, subject, ctx.actor, input.cursor);
		})
});
