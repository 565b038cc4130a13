// What one sign-off of a policy document covers: the document version (text, disclosure, plan, files by their
// content) and every interpretation material, hashed so that any change to any part is a different bundle.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bundleOf, cleanDocument, documentHash, materialHash, type MaterialContent } from './content.ts';
import type { DocumentContent } from './queries.ts';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const PDF = sha('关于优化营商环境的若干措施.pdf');
const PNG = sha('一图读懂.png');
const DOCX = sha('问答.docx');

const base: DocumentContent = {
	title: '江城市关于进一步优化营商环境的若干措施',
	docNumber: '江府发〔2026〕12号',
	body: '第一条 为进一步优化营商环境……',
	disclosure: 'proactive',
	withheldReason: '',
	planInterpreter: '市发展改革委 张主任',
	planApproach: '图解、问答、专家访谈',
	planChannels: ['政府网站', '政务微博'],
	planTiming: '与文件同步发布',
	exemptionReason: '',
	fileIds: ['11111111-1111-4111-8111-111111111111']
};

/** A different value for each field, so that each one alone can be changed. */
const changed: { [K in keyof DocumentContent]: DocumentContent[K] } = {
	title: '江城市关于进一步优化营商环境的若干措施（修订）',
	docNumber: '江府发〔2026〕13号',
	body: '第一条 为持续优化营商环境……',
	disclosure: 'on_request',
	withheldReason: '涉及国家秘密',
	planInterpreter: '市发展改革委 李副主任',
	planApproach: '新闻发布会',
	planChannels: ['政府网站'],
	planTiming: '文件发布后三个工作日内',
	exemptionReason: '内部管理事项，无需解读',
	fileIds: base.fileIds
};

describe('documentHash', () => {
	it('is a sha-256 in hex and the same for the same content', () => {
		const h = documentHash(base, [PDF]);
		expect(h).toMatch(/^[0-9a-f]{64}$/);
		expect(documentHash({ ...base }, [PDF])).toBe(h);
	});

	it('changes with every field of the document and its plan', () => {
		const h = documentHash(base, [PDF]);
		const fields = (Object.keys(changed) as (keyof DocumentContent)[]).filter((k) => k !== 'fileIds');
		expect(fields).toHaveLength(10);
		const seen = new Set([h]);
		for (const field of fields) {
			const other = documentHash({ ...base, [field]: changed[field] }, [PDF]);
			expect(other, field).not.toBe(h);
			seen.add(other);
		}
		// Every change gives a hash of its own: no two fields collide into the same text.
		expect(seen.size).toBe(fields.length + 1);
	});

	it('does not mix up text moved from one field to the next', () => {
		const a = documentHash({ ...base, planInterpreter: '张主任', planApproach: '图解' }, []);
		const b = documentHash({ ...base, planInterpreter: '张主任图解', planApproach: '' }, []);
		expect(a).not.toBe(b);
	});

	it('counts files by their content: another file, a changed file, an added or a removed one all change it', () => {
		const h = documentHash(base, [PDF]);
		expect(documentHash(base, [PNG])).not.toBe(h);
		expect(documentHash(base, [sha('关于优化营商环境的若干措施.pdf（第二稿）')])).not.toBe(h);
		expect(documentHash(base, [PDF, PNG])).not.toBe(h);
		expect(documentHash(base, [])).not.toBe(h);
	});

	it('does not depend on the order of the files, nor on their ids', () => {
		expect(documentHash(base, [PDF, PNG, DOCX])).toBe(documentHash(base, [DOCX, PDF, PNG]));
		// The same bytes uploaded again under another id are the same document.
		expect(documentHash({ ...base, fileIds: ['22222222-2222-4222-8222-222222222222'] }, [PDF])).toBe(documentHash(base, [PDF]));
	});

	it('does not depend on the order of the channels', () => {
		expect(documentHash({ ...base, planChannels: ['政务微博', '政府网站'] }, [PDF])).toBe(documentHash(base, [PDF]));
	});

	it('does not touch what it is given', () => {
		const shas = [PNG, PDF];
		const channels = ['政务微博', '政府网站'];
		documentHash({ ...base, planChannels: channels }, shas);
		expect(shas).toEqual([PNG, PDF]);
		expect(channels).toEqual(['政务微博', '政府网站']);
	});
});

describe('cleanDocument', () => {
	it('cleans every text field, folds the title and document number, and drops repeated channels and files', () => {
		const clean = cleanDocument({
			...base,
			title: '  <b>江城市</b>关于\n优化营商环境的   措施 ',
			docNumber: ' 江府发〔2026〕\t12号 ',
			body: '<script>alert(1)</script>第一条',
			withheldReason: '  ',
			planChannels: [' 政府网站 ', '政府网站', '', '政务微博'],
			fileIds: [base.fileIds[0]!, base.fileIds[0]!]
		});
		expect(clean).toMatchObject({
			title: '江城市关于 优化营商环境的 措施',
			docNumber: '江府发〔2026〕 12号',
			body: '第一条',
			withheldReason: '',
			planChannels: ['政府网站', '政务微博'],
			fileIds: [base.fileIds[0]]
		});
	});

	it('is stable, so an unchanged document saved again keeps its hash', () => {
		const once = cleanDocument({ ...base, title: ' <i>措施</i>  一 ', body: '&lt;b&gt;正文' });
		expect(cleanDocument(once)).toEqual(once);
		expect(documentHash(cleanDocument(once), [PDF])).toBe(documentHash(once, [PDF]));
	});
});

const material: MaterialContent = { kind: 'qa', expertId: null, interpreterId: null, title: '政策问答', body: '问：适用于哪些企业？', fileIds: [] };

describe('materialHash', () => {
	it('changes with the kind, the people named, the title, the body and the files', () => {
		const h = materialHash(material, [DOCX]);
		const variants: MaterialContent[] = [
			{ ...material, kind: 'text' },
			{ ...material, expertId: '33333333-3333-4333-8333-333333333333' },
			{ ...material, interpreterId: '44444444-4444-4444-8444-444444444444' },
			{ ...material, title: '政策问答（二）' },
			{ ...material, body: '问：适用于哪些个体工商户？' }
		];
		const hashes = variants.map((v) => materialHash(v, [DOCX]));
		for (const other of hashes) expect(other).not.toBe(h);
		expect(new Set([h, ...hashes]).size).toBe(variants.length + 1);
		expect(materialHash(material, [PNG])).not.toBe(h);
		expect(materialHash(material, [])).not.toBe(h);
	});

	it('does not depend on the order of its files', () => {
		expect(materialHash(material, [PNG, DOCX])).toBe(materialHash(material, [DOCX, PNG]));
	});

	it('is never the hash of a document with the same words', () => {
		const asDocument = documentHash({ ...base, title: material.title, body: material.body, planChannels: [], fileIds: [] }, []);
		expect(materialHash(material, [])).not.toBe(asDocument);
	});
});

describe('bundleOf', () => {
	const doc = documentHash(base, [PDF]);
	const m1 = { id: 'a1a1a1a1-0000-4000-8000-000000000001', hash: materialHash(material, []) };
	const m2 = { id: 'b2b2b2b2-0000-4000-8000-000000000002', hash: materialHash({ ...material, kind: 'graphic', title: '一图读懂' }, [PNG]) };
	const m3 = { id: '03030303-0000-4000-8000-000000000003', hash: materialHash({ ...material, kind: 'text', title: '文字解读' }, []) };

	it('covers the document and every material by id, each with its hash', () => {
		const b = bundleOf(doc, [m1, m2, m3]);
		expect(b.hash).toMatch(/^[0-9a-f]{64}$/);
		expect(b.covers).toEqual({ document: doc, [`material:${m1.id}`]: m1.hash, [`material:${m2.id}`]: m2.hash, [`material:${m3.id}`]: m3.hash });
		expect(Object.keys(b.covers).sort()).toEqual(['document', `material:${m1.id}`, `material:${m2.id}`, `material:${m3.id}`].sort());
		expect(bundleOf(doc, []).covers).toEqual({ document: doc });
	});

	it('does not depend on the order of the materials', () => {
		const hash = bundleOf(doc, [m1, m2, m3]).hash;
		for (const order of [[m3, m2, m1], [m2, m1, m3], [m2, m3, m1]]) {
			const b = bundleOf(doc, order);
			expect(b.hash).toBe(hash);
			expect(JSON.stringify(b.covers)).toBe(JSON.stringify(bundleOf(doc, [m1, m2, m3]).covers));
		}
	});

	it('changes when the document, any one material, or the set of materials changes', () => {
		const hash = bundleOf(doc, [m1, m2]).hash;
		expect(bundleOf(documentHash({ ...base, body: base.body + '。' }, [PDF]), [m1, m2]).hash).not.toBe(hash);
		expect(bundleOf(doc, [m1, { ...m2, hash: materialHash({ ...material, kind: 'graphic', title: '一图读懂' }, [PDF]) }]).hash).not.toBe(hash);
		expect(bundleOf(doc, [m1]).hash).not.toBe(hash);
		expect(bundleOf(doc, [m1, m2, m3]).hash).not.toBe(hash);
		// The same material content under another material is another package.
		expect(bundleOf(doc, [m1, { ...m2, id: m3.id }]).hash).not.toBe(hash);
		// Two materials swapping their contents is a change too.
		expect(bundleOf(doc, [{ ...m1, hash: m2.hash }, { ...m2, hash: m1.hash }]).hash).not.toBe(hash);
	});

	it('is not the document hash itself, even without materials', () => {
		expect(bundleOf(doc, []).hash).not.toBe(doc);
	});
});
