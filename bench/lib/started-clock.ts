// A level II incident led by a department with its 5-hour clock just started, so step 0 (the lead unit's press
// people) is due at once: what the fan-out benchmarks tell through runClock.
import type postgres from 'postgres';

export function clockStarter(sql: postgres.Sql, unitId: string, createdBy: string): () => Promise<string> {
	let serial = 0;
	return async () => {
		serial += 1;
		const [incident] = await sql<{ id: string }[]>`
			insert into incidents (title, category, level, occurred_at, location, lead_unit_id, created_by, client_key, body_hash)
			values (${'化工园区爆炸压测' + serial}, 'accident', 2, now() - interval '1 minute', '江城市', ${unitId}, ${createdBy}, gen_random_uuid(), md5(${serial}::text))
			returning id`;
		const [clock] = await sql<{ id: string }[]>`
			insert into clocks (rule_key, subject, subject_id, unit_id, rule_name, satisfied_by, ladder, starts_at, due_at, started_at)
			select key, 'incident', ${incident!.id}, ${unitId}, name, satisfied_by, ladder, now() - interval '1 minute',
				now() - interval '1 minute' + make_interval(hours => duration_value), now() - interval '1 minute'
			from clock_rules where key = 'incident.authoritative_release'
			returning id`;
		return clock!.id;
	};
}
