// A province after three years, for bench/scale-load.ts: 100 units, 100,000 incidents, 30,000 opinion items, the
// releases, documents, conferences, clocks, timelines and notices they leave behind. Set-based SQL in one
// transaction (generate_series, unnest), so it takes seconds, not a round trip per row. Runs on a freshly migrated
// database with the demo organisation seeded (db/seed/demo.ts): the demo city becomes one city of the province.
import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { decide } from '../../src/lib/server/clocks/engine.ts';
import type { LadderStep } from '../../src/lib/server/clocks/engine.ts';

export interface ScaleOptions {
	incidents?: number;
	/** exactly this many stay open */
	openIncidents?: number;
	/** open clocks (running or breached): both incident clocks of the newest open level I/II incidents, hours old */
	openClocks?: number;
	/** clocks met in time (status satisfied), across incidents, documents and opinion items */
	metClocks?: number;
	opinionItems?: number;
	releases?: number;
	documents?: number;
	conferences?: number;
	/** inbox notices (each with its delivery) of clocks long settled */
	notices?: number;
	years?: number;
	now?: Date;
}

export interface Persona {
	id: string;
	username: string;
	name: string;
	unit: string;
}

export interface ScaleSummary {
	counts: Record<string, number>;
	personas: { officeAdmin: Persona; departmentDuty: Persona; leader: Persona };
	/** the demo password signs every persona in */
	password: string;
}

const DEFAULTS = {
	incidents: 100_000,
	openIncidents: 1_001,
	openClocks: 402,
	metClocks: 23_760,
	opinionItems: 30_000,
	releases: 20_000,
	documents: 5_000,
	conferences: 3_000,
	notices: 50_000,
	years: 3
};

const PROVINCE = '江川省';
const PROVINCE_DEPARTMENTS = [
	'应急管理厅', '卫生健康委员会', '生态环境厅', '公安厅', '住房和城乡建设厅', '教育厅', '交通运输厅', '自然资源厅', '水利厅',
	'农业农村厅', '市场监督管理局', '民政厅', '文化和旅游厅', '商务厅', '财政厅', '人力资源和社会保障厅', '工业和信息化厅', '林业和草原局'
];
const CITY_DEPARTMENTS = [
	'应急管理局', '卫生健康委员会', '生态环境局', '公安局', '住房和城乡建设局', '教育局', '交通运输局', '自然资源和规划局', '水务局',
	'农业农村局', '市场监督管理局', '民政局'
];
const KEY_DEPARTMENTS = new Set(['应急管理厅', '应急管理局', '卫生健康委员会', '生态环境厅', '生态环境局', '住房和城乡建设厅', '住房和城乡建设局', '教育厅', '教育局']);
const CITIES = [
	{ name: '临川市', code: 'lc', counties: ['东乡县', '崇仁县'] },
	{ name: '云岭市', code: 'yl', counties: ['石屏县', '峨山县'] },
	{ name: '青河市', code: 'qh', counties: ['清水县', '柳溪县'] },
	{ name: '南屿市', code: 'ny', counties: ['海丰县', '桐乡县'] }
];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢';
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '涛', '明', '超', '秀英', '霞', '平', '刚', '桂英', '建华', '志强', '海燕'];

type Role = 'duty' | 'press_officer' | 'spokesperson' | 'leader' | 'principal' | 'office_admin';
interface UnitRow {
	id: string;
	name: string;
	parent_id: string | null;
	kind: 'government' | 'office' | 'department';
	is_key_department: boolean;
}
interface PersonRow {
	id: string;
	name: string;
	username: string;
	unit_id: string;
	roles: Role[];
	password_hash: string;
}

/** Fills the database; every table it writes is counted in the summary. `analyze` runs at the end. */
export async function generateScale(sql: postgres.Sql<Record<string, unknown>>, opts: ScaleOptions = {}): Promise<ScaleSummary> {
	const o = { ...DEFAULTS, ...opts };
	const now = opts.now ?? new Date();
	const [demo] = await sql<{ id: string; passwordHash: string }[]>`
		select u.id, p.password_hash from units u, people p where u.parent_id is null and u.kind = 'government' and p.username = 'admin'`;
	if (!demo) throw new Error('generateScale needs the demo organisation (db/seed/demo.ts) seeded first');

	const { units, people, personas } = provinceTree(demo.passwordHash);
	const provinceId = units[0]!.id;

	await sql.begin(async (tx) => {
		// Repeatable from run to run: random() below is seeded on this transaction's connection.
		await tx`select setseed(0.2026)`;
		await tx`insert into units ${tx(units, 'id', 'name', 'parent_id', 'kind', 'is_key_department')}`;
		await tx`update units set parent_id = ${provinceId} where id = ${demo.id}`;
		await tx`insert into people ${tx(people, 'id', 'name', 'username', 'unit_id', 'roles', 'password_hash')}`;
		// Each unit's principal is its principal; a department's leader in charge is its government's deputy.
		await tx`
			update units u set principal_id = p.id
			from people p where p.unit_id = u.id and 'principal' = any(p.roles) and u.principal_id is null`;
		await tx`
			update units u set leader_in_charge_id = p.id
			from people p where u.kind = 'department' and u.leader_in_charge_id is null
				and p.unit_id = u.parent_id and p.roles = array['leader']::text[]`;

		// Who acts in each unit: its duty officer, else its press officer, else anyone there.
		await tx`
			create temp table scale_units on commit drop as
			select row_number() over (order by u.kind = 'department' desc, u.id) as n, u.id, u.kind, u.name,
				(select p.id from people p where p.unit_id = u.id
					order by 'duty' = any(p.roles) desc, 'press_officer' = any(p.roles) desc, p.username limit 1) as actor_id,
				coalesce((select p.id from people p where p.unit_id = u.id and 'spokesperson' = any(p.roles) order by p.username limit 1),
					(select p.id from people p where p.unit_id = u.id order by p.username limit 1)) as host_id
			from units u`;
		// Departments log most incidents: three in four land on one, the rest anywhere.
		const [sizes] = await tx<{ departments: number; everyone: number }[]>`
			select count(*) filter (where kind = 'department')::int as departments, count(*)::int as everyone from scale_units`;
		const { departments, everyone } = sizes!;

		// ---- incidents: 1..open are open (the first fifth of them level I/II, hours old); the rest closed or merged.
		const majorOpen = Math.ceil(o.openClocks / 2);
		await tx`
			create temp table scale_incidents on commit drop as
			select g, gen_random_uuid() as id,
				case when g <= ${majorOpen} then 1 + (g % 10 > 0)::int
					when g <= ${o.openIncidents} then 3 + (g % 3 > 0)::int
					when g % 100 = 0 then 1 when g % 100 <= 4 then 2 when g % 100 <= 34 then 3 else 4 end as level,
				case when g <= ${majorOpen} then ${now}::timestamptz - make_interval(mins => (g * 30 * 60 / ${majorOpen})::int + 5)
					when g <= ${o.openIncidents} then ${now}::timestamptz - make_interval(hours => 1 + (random() * 24 * 30)::int)
					else ${now}::timestamptz - make_interval(days => 30) - random() * make_interval(days => ${o.years * 365 - 30}) end as occurred_at,
				case when random() < 0.75 then 1 + floor(random() * ${departments})::int else 1 + floor(random() * ${everyone})::int end as unit_n
			from generate_series(1, ${o.incidents}) g`;
		await tx`
			insert into incidents (id, title, category, level, occurred_at, location, lead_unit_id, description, status, closed_at, close_note,
				created_by, client_key, body_hash, received_at, created_at, updated_at)
			select i.id,
				(array['城东', '城西', '高新区', '开发区', '老城区', '滨江', '北郊', '南湖', '工业园', '火车站'])[1 + i.g % 10]
					|| (array['化工厂火灾', '道路塌陷', '暴雨内涝', '山体滑坡', '食物中毒', '燃气泄漏', '交通事故', '校园安全事件', '水质异常',
						'森林火情', '建筑工地坍塌', '游客滞留', '疫情聚集', '河道污染', '电梯故障'])[1 + (i.g / 10) % 15]
					|| ' ' || i.g,
				(array['natural_disaster', 'accident', 'public_health', 'social_safety'])[1 + i.g % 4], i.level, i.occurred_at,
				u.name || '辖区', u.id, '现场情况：已派员处置，伤亡情况正在核实。' || repeat('续报内容。', 1 + i.g % 20),
				case when i.g <= ${o.openIncidents} then 'open' else 'closed' end,
				case when i.g > ${o.openIncidents} then i.occurred_at + make_interval(hours => 6 + i.g % 200) end,
				case when i.g > ${o.openIncidents} then '处置完毕，转入善后。' end,
				u.actor_id, gen_random_uuid(), md5(i.g::text), i.occurred_at + interval '10 minutes', i.occurred_at + interval '10 minutes',
				least(${now}::timestamptz, i.occurred_at + make_interval(hours => case when i.g <= ${o.openIncidents} then 1 else 6 + i.g % 200 end))
			from scale_incidents i join scale_units u on u.n = i.unit_n`;
		// A few duplicates were merged into an older report of the same event.
		await tx`
			update incidents d set status = 'merged', merged_into_id = k.id, closed_at = null, close_note = null
			from scale_incidents si, scale_incidents sk, incidents k
			where d.id = si.id and si.g > ${o.openIncidents} and si.g % 200 = 7 and sk.g = si.g + 1 and k.id = sk.id`;
		// Numbered lists to pair rows by number (a join), not by a search per row.
		await tx`
			create temp table scale_major on commit drop as
			select row_number() over (order by occurred_at desc) as k, id, title, lead_unit_id, occurred_at
			from incidents where level <= 2 and status = 'closed'`;
		await tx`
			create temp table scale_recent on commit drop as
			select row_number() over (order by occurred_at desc) as k, id, title, lead_unit_id, occurred_at
			from incidents where level <= 3 and status <> 'merged'`;
		await tx`create index on scale_major (k)`;
		await tx`create index on scale_recent (k)`;

		// ---- clocks, copied from the rule rows: both incident rules on every level I/II incident.
		const rules = await tx<{ key: string; ladder: LadderStep[] }[]>`select key, ladder from clock_rules`;
		if (rules.length < 6) throw new Error('clock_rules is missing rows: migrate first');
		await tx`
			insert into clocks (rule_key, subject, subject_id, unit_id, rule_name, satisfied_by, ladder, starts_at, due_at, started_at, status,
				satisfied_at, evidence, breached_at, cancelled_at, cancel_reason)
			select r.key, 'incident', i.id, i.lead_unit_id, r.name, r.satisfied_by, r.ladder, i.occurred_at,
				i.occurred_at + make_interval(hours => r.duration_value), i.received_at, x.status,
				case when x.status = 'satisfied' then i.occurred_at + make_interval(mins => (r.duration_value * 60 * (0.3 + 0.6 * x.r))::int)
					when x.status = 'satisfied_late' then i.occurred_at + make_interval(hours => r.duration_value, mins => 20) end,
				case when x.status like 'satisfied%' then jsonb_build_object('incidentId', i.id) end,
				case when x.status in ('breached', 'satisfied_late') then i.occurred_at + make_interval(hours => r.duration_value) end,
				case when x.status = 'cancelled' then i.closed_at end,
				case when x.status = 'cancelled' then jsonb_build_object('key', 'clock.cancel.incident_closed', 'params', jsonb_build_object('note', i.close_note)) end
			from incidents i
			cross join clock_rules r
			-- correlated (i.id), so random() is drawn per row, not once for the whole statement
			cross join lateral (select random() as r where i.id is not null) rnd
			cross join lateral (select case
				when i.status = 'open' then case when i.occurred_at + make_interval(hours => r.duration_value) > ${now}::timestamptz then 'running' else 'breached' end
				when rnd.r < 0.86 then 'satisfied' when rnd.r < 0.93 then 'satisfied_late' else 'cancelled' end as status, rnd.r) x
			where i.level <= 2 and i.status <> 'merged' and r.key in ('incident.authoritative_release', 'incident.press_conference')`;

		// ---- opinion items: mostly closed; the newest 150 still awaiting assessment or assessed.
		await tx`
			create temp table scale_opinions on commit drop as
			select g, gen_random_uuid() as id,
				case when g <= 150 then ${now}::timestamptz - make_interval(mins => g * 40)
					else ${now}::timestamptz - random() * make_interval(days => ${o.years * 365}) end as first_seen_at,
				case when random() < 0.7 then 1 + floor(random() * ${departments})::int else 1 + floor(random() * ${everyone})::int end as unit_n
			from generate_series(1, ${o.opinionItems}) g`;
		await tx`
			insert into opinion_items (id, unit_id, type, summary, status, first_seen_at, heat, needs_response, incident_id, response_plan,
				assessed_at, assessed_by, responded_at, attention_fell, lessons, closed_at, created_by, client_key, body_hash, received_at, created_at, updated_at)
			select s.id, u.id, (array['rumour', 'misreading', 'complaint', 'media_enquiry', 'criticism', 'other'])[1 + s.g % 6],
				'网民反映' || (array['某小区停水三天无人回应', '学校食堂卫生问题', '道路施工扰民', '网传化工厂爆炸系谣言', '医院挂号难', '拆迁补偿标准不透明',
					'景区门票涨价', '公交线路调整', '河道发黑发臭', '政策解读有误'])[1 + s.g % 10] || '（' || s.g || '）',
				x.status, s.first_seen_at,
				case when x.status <> 'awaiting_assessment' then (array['general', 'general', 'general', 'significant', 'major'])[1 + s.g % 5] end,
				case when x.status <> 'awaiting_assessment' then s.g % 3 <> 0 end,
				case when s.g % 25 = 0 and s.g > 150 then (select id from scale_major where k = 1 + s.g % 1000) end,
				case when x.status <> 'awaiting_assessment' then '由责任单位核实后统一口径回应。' else '' end,
				case when x.status <> 'awaiting_assessment' then s.first_seen_at + make_interval(mins => 30 + s.g % 150) end,
				case when x.status <> 'awaiting_assessment' then u.actor_id end,
				case when x.status in ('responded', 'closed') then s.first_seen_at + make_interval(hours => 6 + s.g % 40) end,
				case when x.status = 'closed' then s.g % 4 <> 0 end,
				case when x.status = 'closed' then '回应及时，热度回落。' end,
				case when x.status = 'closed' then s.first_seen_at + make_interval(days => 3 + s.g % 10) end,
				u.actor_id, gen_random_uuid(), md5('o' || s.g), s.first_seen_at + interval '5 minutes', s.first_seen_at + interval '5 minutes',
				least(${now}::timestamptz, s.first_seen_at + interval '3 days')
			from scale_opinions s join scale_units u on u.n = s.unit_n
			cross join lateral (select case when s.g <= 100 then 'awaiting_assessment' when s.g <= 150 then 'assessed'
				when s.g % 10 = 0 then 'responded' else 'closed' end as status) x`;
		await tx`
			create temp table scale_opinion_order on commit drop as
			select row_number() over (order by first_seen_at desc) as k, id, unit_id, first_seen_at from opinion_items`;
		await tx`create index on scale_opinion_order (k)`;
		await tx`
			insert into opinion_sightings (item_id, source, url, seen_at, summary, captured_by, captured_at, origin_item_id)
			select o.id, (array['weibo', 'wechat', 'douyin', 'news_site', 'forum', 'hotline_12345', 'media_enquiry', 'other'])[1 + s.g % 8],
				'https://weibo.example.cn/status/' || s.g, o.first_seen_at, left(o.summary, 200), o.created_by, o.received_at, o.id
			from scale_opinions s join opinion_items o on o.id = s.id`;

		// ---- documents: most published (with an interpretation clock), some drafting or in review, some abolished.
		await tx`
			insert into documents (id, unit_id, interpreting_unit_id, drafter_id, status, stage, published_at, published_url, ended_at, marked_at,
				marked_url, created_by, created_at, updated_at)
			select gen_random_uuid(), u.id, u.id, u.actor_id, x.status, case when x.status = 'submitted' then 'in_review' end,
				case when x.status in ('published', 'abolished') then x.at + interval '7 days' end,
				case when x.status in ('published', 'abolished') then 'https://www.jiangchuan.gov.cn/zwgk/' || g || '.html' end,
				case when x.status = 'abolished' then x.at + interval '300 days' end,
				case when x.status = 'abolished' then x.at + interval '305 days' end,
				case when x.status = 'abolished' then 'https://www.jiangchuan.gov.cn/zwgk/' || g || '.html' end,
				u.actor_id, x.at, least(${now}::timestamptz, x.at + interval '7 days')
			from generate_series(1, ${o.documents}) g
			cross join lateral (select case when g <= 60 then 'drafting' when g <= 100 then 'submitted' when g % 12 = 0 then 'abolished' else 'published' end as status,
				case when g <= 100 then ${now}::timestamptz - make_interval(days => g % 20)
					else ${now}::timestamptz - interval '420 days' - random() * make_interval(days => ${o.years * 365 - 420}) end as at) x
			join scale_units u on u.n = 1 + g % ${departments}`;
		await tx`
			insert into document_versions (document_id, number, title, doc_number, body, disclosure, plan_interpreter, plan_approach, plan_timing, hash, created_by, created_at)
			select d.id, 1, ${PROVINCE} || (array['关于加强安全生产工作的通知', '关于印发优化营商环境若干措施的通知', '关于做好防汛抗旱工作的意见',
					'关于进一步规范行政执法的实施办法', '关于推进政务公开标准化规范化的方案'])[1 + (row_number() over ()) % 5] || '（' || row_number() over () || '）',
				'江政办发〔' || extract(year from d.created_at) || '〕' || row_number() over () || '号', '第一条 ' || repeat('为规范管理，制定本办法。', 40),
				'proactive', '分管负责同志', '新闻发布会与图文解读', '与文件同步', encode(sha256(convert_to(d.id::text, 'UTF8')), 'hex'), d.created_by, d.created_at
			from documents d where not exists (select 1 from document_versions v where v.document_id = d.id)`;
		await tx`
			insert into clocks (rule_key, subject, subject_id, unit_id, rule_name, satisfied_by, ladder, starts_at, due_at, started_at, status,
				satisfied_at, evidence, breached_at)
			select r.key, 'document', d.id, d.interpreting_unit_id, r.name, r.satisfied_by, r.ladder, d.published_at, d.published_at + interval '3 days',
				d.published_at, x.status,
				case when x.status = 'satisfied' then d.published_at + interval '1 day' else d.published_at + interval '4 days' end,
				jsonb_build_object('documentId', d.id), case when x.status = 'satisfied_late' then d.published_at + interval '3 days' end
			from documents d cross join clock_rules r cross join lateral (select case when random() < 0.9 then 'satisfied' else 'satisfied_late' end as status where d.id is not null) x
			where d.status in ('published', 'abolished') and r.key = 'document.interpretation'`;

		// ---- opinion assessment clocks: as many met in time as make up the met total; of the others one in five was met
		// late, the rest were captured before the office set the 2-hour rule and have none.
		const [metSoFar] = await tx<{ met: number }[]>`select count(*)::int as met from clocks where status = 'satisfied'`;
		const met = metSoFar!.met;
		await tx`
			insert into clocks (rule_key, subject, subject_id, unit_id, rule_name, satisfied_by, ladder, starts_at, due_at, started_at, status,
				satisfied_at, evidence, breached_at)
			select r.key, 'opinion_item', o.id, o.unit_id, r.name, r.satisfied_by, r.ladder, o.first_seen_at, o.first_seen_at + interval '2 hours',
				o.received_at, x.status, case when x.status = 'satisfied' then o.first_seen_at + interval '1 hour' else o.first_seen_at + interval '3 hours' end,
				jsonb_build_object('opinionItemId', o.id), case when x.status = 'satisfied_late' then o.first_seen_at + interval '2 hours' end
			from (select o.*, row_number() over (order by o.first_seen_at) as k from opinion_items o where o.status in ('closed', 'responded')) o
			cross join clock_rules r
			cross join lateral (select case when o.k <= ${Math.max(0, o.metClocks - met)} then 'satisfied' else 'satisfied_late' end as status) x
			where r.key = 'opinion.assessment' and (o.k <= ${Math.max(0, o.metClocks - met)} or o.k % 5 = 0)`;
		await tx`
			insert into breaches (clock_id, unit_id, due_at, breached_at, responsible_ids, created_at)
			select c.id, c.unit_id, c.due_at, c.breached_at, coalesce(array_remove(array[u.leader_in_charge_id], null), '{}'), c.breached_at
			from clocks c join units u on u.id = c.unit_id where c.status in ('breached', 'satisfied_late')`;

		// ---- conferences on major incidents, and routine ones; a few still planned.
		await tx`
			insert into conferences (unit_id, kind, title, incident_id, planned_at, place, host_id, speaker_ids, status, held_at, status_reason, created_by, created_at, updated_at)
			select u.id, (array['press_conference', 'briefing', 'media_briefing'])[1 + g % 3],
				left(coalesce(i.title || ' 新闻发布会', u.name || '例行新闻发布会（第' || g || '场）'), 200), i.id, x.at, u.name || '新闻发布厅', u.host_id,
				array[u.host_id], x.status, case when x.status = 'held' then x.at end, case when x.status = 'cancelled' then '议程调整' end,
				u.actor_id, x.at - interval '2 days', least(${now}::timestamptz, x.at)
			from generate_series(1, ${o.conferences}) g
			left join scale_major i on i.k = g and g % 2 = 0 and g > 30
			join scale_units u on u.id = coalesce(i.lead_unit_id, (select id from scale_units where n = 1 + g % ${departments}))
			cross join lateral (select case when g <= 30 then 'planned' when g % 40 = 0 then 'cancelled' else 'held' end as status,
				case when g <= 30 then ${now}::timestamptz + make_interval(hours => g * 7)
					when i.id is not null then i.occurred_at + interval '20 hours'
					else ${now}::timestamptz - random() * make_interval(days => ${o.years * 365}) end as at) x`;

		// ---- releases: authoritative ones for major incidents, follow-ups, responses to opinion items; most published.
		await tx`
			create temp table scale_releases on commit drop as
			select g, gen_random_uuid() as id, x.kind, x.incident_id, x.opinion_item_id, x.unit_id, x.at,
				case when g <= 40 then 'draft' when g <= 70 then 'in_review' when g <= 90 then 'awaiting_signoff' when g <= 100 then 'approved'
					when g % 150 = 0 then 'withdrawn' else 'published' end as status
			from generate_series(1, ${o.releases}) g
			cross join lateral (select case g % 4 when 0 then 'authoritative' when 1 then 'follow_up' when 2 then 'response' else 'clarification' end as kind) k
			left join scale_recent i on i.k = 1 + g / 2 and k.kind in ('authoritative', 'follow_up')
			left join scale_opinion_order op on op.k = 151 + g / 4 and k.kind = 'response'
			cross join lateral (select k.kind, i.id as incident_id, op.id as opinion_item_id,
				coalesce(i.lead_unit_id, op.unit_id, (select id from scale_units where n = 1 + g % ${departments})) as unit_id,
				coalesce(i.occurred_at + interval '3 hours', op.first_seen_at + interval '20 hours',
					${now}::timestamptz - random() * make_interval(days => ${o.years * 365})) as at) x`;
		await tx`
			insert into releases (id, unit_id, kind, incident_id, opinion_item_id, status, status_reason, created_by, client_key, created_at, updated_at, published_at)
			select r.id, r.unit_id, r.kind, r.incident_id, r.opinion_item_id, r.status, case when r.status = 'withdrawn' then '信息有误，撤回更正' end,
				u.actor_id, gen_random_uuid(), r.at - interval '1 hour', least(${now}::timestamptz, r.at), case when r.status in ('published', 'withdrawn') then least(${now}::timestamptz, r.at) end
			from scale_releases r join scale_units u on u.id = r.unit_id`;
		await tx`
			insert into release_versions (release_id, number, title, body, talking_points, channels, hash, created_by, created_at)
			select r.id, 1, left(coalesce((select title from incidents where id = r.incident_id), (select left(summary, 60) from opinion_items where id = r.opinion_item_id), '政务信息'), 180)
					|| (case r.kind when 'authoritative' then ' 权威发布' when 'follow_up' then ' 续报' when 'response' then ' 情况说明' else ' 澄清' end),
				'【' || u.name || '】' || repeat('经核实，现将有关情况通报如下。', 12), '', array['gov_website', 'gov_weibo', 'wechat_official'],
				encode(sha256(convert_to(r.id::text || ':1', 'UTF8')), 'hex'), rel.created_by, rel.created_at
			from scale_releases r join releases rel on rel.id = r.id join units u on u.id = r.unit_id`;
		await tx`
			insert into release_publications (release_id, version, version_hash, channel, url, published_at, recorded_by, recorded_at)
			select r.id, 1, v.hash, c.channel, 'https://www.jiangchuan.gov.cn/xwfb/' || r.id || '.html', r.published_at, r.created_by, r.published_at
			from releases r join release_versions v on v.release_id = r.id and v.number = 1
			cross join unnest(array['gov_website', 'gov_weibo']) as c(channel)
			where r.status in ('published', 'withdrawn')`;

		// ---- timelines: each incident's log line and close, the updates of open ones, each clock's start and outcome.
		await tx`
			insert into timeline_events (subject, subject_id, at, kind, actor_id, data)
			select 'incident', i.id, i.received_at, 'incident.logged', i.created_by,
				jsonb_build_object('level', i.level, 'deviceRecordedAt', null, 'receivedAt', i.received_at)
			from incidents i`;
		await tx`
			insert into timeline_events (subject, subject_id, at, kind, actor_id, data)
			select 'incident', i.id, i.closed_at, 'incident.closed', i.created_by, jsonb_build_object('note', i.close_note)
			from incidents i where i.status = 'closed'`;
		await tx`
			insert into timeline_events (subject, subject_id, at, kind, actor_id, data)
			select 'incident', i.id, least(${now}::timestamptz, i.received_at + make_interval(mins => 20 * n)), 'incident.updated', i.created_by,
				jsonb_build_object('changed', array['description'])
			from incidents i cross join generate_series(1, 3) n where i.status = 'open'`;
		await tx`
			insert into timeline_events (subject, subject_id, at, kind, actor_id, data)
			select c.subject, c.subject_id, c.started_at, 'clock.started', null::uuid, jsonb_build_object('clockId', c.id, 'rule', c.rule_name, 'dueAt', c.due_at)
			from clocks c
			union all
			select c.subject, c.subject_id, c.satisfied_at, 'clock.satisfied', null,
				jsonb_build_object('clockId', c.id, 'rule', c.rule_name, 'status', c.status, 'evidence', c.evidence)
			from clocks c where c.status like 'satisfied%'
			union all
			select c.subject, c.subject_id, c.due_at, 'clock.breached', null, jsonb_build_object('clockId', c.id, 'rule', c.rule_name, 'dueAt', c.due_at)
			from clocks c where c.breached_at is not null`;

		// ---- the first step of settled incident and document clocks told the unit's press and duty people and its leader in
		// charge: inbox notices and their deliveries, newest first.
		await tx`
			insert into notifications (person_id, clock_id, step_index, urgency, title, body, url, created_at, read_at, acknowledged_at, kind,
				subject, subject_id, settled_at, settled_as, settled_note)
			select t.person_id, c.id, 0, 'high',
				jsonb_build_object('key', 'clock.notice_title', 'params', jsonb_build_object('rule', c.rule_name, 'subject', subject_title(c.subject, c.subject_id))),
				jsonb_build_object('key', 'notify.clock.lines2', 'params', jsonb_build_object(
					'first', jsonb_build_object('key', 'clock.left', 'params', jsonb_build_object('time',
						jsonb_build_object('key', 'time.hours_minutes', 'params', jsonb_build_object('h', (extract(epoch from c.due_at - c.starts_at) / 3600)::int, 'm', 0)))),
					'second', jsonb_build_object('key', 'clock.todo.' || c.satisfied_by))),
				case c.subject when 'incident' then '/incidents/' else '/documents/' end || c.subject_id, c.started_at, c.started_at + interval '3 minutes',
				case when random() < 0.66 then c.started_at + interval '5 minutes' end, 'clock', c.subject, c.subject_id,
				coalesce(c.satisfied_at, c.cancelled_at), case c.status when 'satisfied' then 'met' when 'satisfied_late' then 'met_late' else 'cancelled' end,
				case when c.status = 'cancelled' then c.cancel_reason else jsonb_build_object('key', 'clock.done.' || c.satisfied_by) end
			from clocks c
			cross join lateral (
				select distinct p.id as person_id from people p join units u on u.id = c.unit_id
				where (p.unit_id = c.unit_id and p.roles && array['press_officer', 'duty', 'spokesperson']::text[]) or p.id = u.leader_in_charge_id
			) t
			where c.subject in ('incident', 'document') and c.status in ('satisfied', 'satisfied_late', 'cancelled')
			order by c.started_at desc
			limit ${o.notices}`;
		await tx`
			insert into deliveries (clock_id, step_index, tier, recipient_id, channel, notification_id, status, due_at, created_at, updated_at, sent_at,
				acknowledged_at)
			select n.clock_id, 0, 0, n.person_id, 'inbox', n.id, case when n.acknowledged_at is not null then 'acknowledged' else 'sent' end,
				n.created_at, n.created_at, n.created_at, n.created_at, n.acknowledged_at
			from notifications n where n.clock_id is not null`;
	});

	// The open clocks' steps that are already due were processed, as their ticks would have: the server's auditor then has
	// nothing to repair when it starts (computed by the engine itself, a few hundred clocks).
	const open = await sql<{ id: string; ladder: LadderStep[]; startsAt: Date; dueAt: Date; startedAt: Date; status: 'running' | 'breached' }[]>`
		select id, ladder, starts_at, due_at, started_at, status from clocks where status in ('running', 'breached')`;
	const notices = open.flatMap((c) =>
		decide(c.ladder, c, [], now).due.map((n) => ({
			clock_id: c.id, step_index: n.stepIndex, tier: n.tier, audience: n.audience, urgency: n.urgency, due_at: n.at, processed_at: n.at, recipient_count: 1
		}))
	);
	for (let i = 0; i < notices.length; i += 2_000) await sql`insert into clock_notices ${sql(notices.slice(i, i + 2_000))}`;

	await sql`analyze`;
	const tables = [
		'units', 'people', 'incidents', 'clocks', 'clock_notices', 'breaches', 'opinion_items', 'opinion_sightings', 'releases', 'release_versions',
		'release_publications', 'documents', 'document_versions', 'conferences', 'timeline_events', 'notifications', 'deliveries'
	];
	const counts: Record<string, number> = {};
	for (const t of tables) {
		const [row] = await sql<{ n: number }[]>`select count(*)::int as n from ${sql(t)}`;
		counts[t] = row!.n;
	}
	const byStatus = await sql<{ status: string; n: number }[]>`select status, count(*)::int as n from clocks group by status order by status`;
	for (const s of byStatus) counts[`clocks.${s.status}`] = s.n;
	const [openIncidents] = await sql<{ n: number }[]>`select count(*)::int as n from incidents where status = 'open'`;
	counts['incidents.open'] = openIncidents!.n;

	const persona = async (username: string): Promise<Persona> => {
		const [p] = await sql<Persona[]>`
			select p.id, p.username, p.name, u.name as unit from people p join units u on u.id = p.unit_id where p.username = ${username}`;
		return p!;
	};
	return {
		counts,
		personas: {
			officeAdmin: await persona(personas.officeAdmin),
			departmentDuty: await persona(personas.departmentDuty),
			leader: await persona(personas.leader)
		},
		password: 'jiangcheng-2026'
	};
}

/** The province's own units and people (the demo city is re-parented under its government). */
function provinceTree(passwordHash: string) {
	const units: UnitRow[] = [];
	const people: PersonRow[] = [];
	let n = 0;
	const personName = () => {
		n++;
		return SURNAMES[(n * 7) % SURNAMES.length]! + GIVEN[(n * 11) % GIVEN.length]!;
	};
	const unit = (name: string, kind: UnitRow['kind'], parent: string | null, key = false) => {
		const row: UnitRow = { id: randomUUID(), name, parent_id: parent, kind, is_key_department: key };
		units.push(row);
		return row.id;
	};
	const person = (username: string, unitId: string, roles: Role[]) =>
		people.push({ id: randomUUID(), name: personName(), username, unit_id: unitId, roles, password_hash: passwordHash });
	const government = (name: string, code: string, parent: string | null) => {
		const id = unit(`${name}人民政府`, 'government', parent);
		person(`${code}-chief`, id, ['principal', 'spokesperson']);
		person(`${code}-vice`, id, ['leader']);
		const office = unit(`${name}人民政府办公${parent ? '室' : '厅'}`, 'office', id);
		person(`${code}-admin`, office, ['office_admin']);
		person(`${code}-duty`, office, ['duty']);
		person(`${code}-press`, office, ['press_officer']);
		return id;
	};
	const departments = (names: string[], prefix: string, code: string, parent: string) =>
		names.forEach((d, i) => {
			const id = unit(`${prefix}${d}`, 'department', parent, KEY_DEPARTMENTS.has(d));
			const c = `${code}-d${String(i + 1).padStart(2, '0')}`;
			person(`${c}-chief`, id, ['principal']);
			person(`${c}-spokes`, id, ['spokesperson', 'leader']);
			person(`${c}-press`, id, ['press_officer']);
			person(`${c}-duty`, id, ['duty']);
		});

	const province = government(PROVINCE, 'jc', null);
	departments(PROVINCE_DEPARTMENTS, PROVINCE, 'jc', province);
	for (const city of CITIES) {
		const id = government(city.name, city.code, province);
		departments(CITY_DEPARTMENTS, city.name, city.code, id);
		city.counties.forEach((county, i) => government(`${city.name}${county}`, `${city.code}-x${i + 1}`, id));
	}
	// province office admin (not a system administrator: reach through the unit tree), the province emergency
	// department's duty officer, a city's deputy mayor (leader in charge of its departments)
	return { units, people, personas: { officeAdmin: 'jc-admin', departmentDuty: 'jc-d01-duty', leader: 'lc-vice' } };
}
