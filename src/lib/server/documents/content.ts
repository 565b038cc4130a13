// A document's text and plan, and each interpretation material, hashed; the bundle hash is what one
// sign-off covers: the document version and every material version, so changing any part voids it.
import { createHash } from 'node:crypto';
import { cleanText } from '../releases/index.ts';
import type { DocumentContent, MaterialKind } from './queries.ts';

const sha256 = (value: unknown) => createHash('sha256').update(JSON.stringify(value), 'utf8').digest('hex');

export function cleanDocument(c: DocumentContent): DocumentContent {
	return {
		title: cleanText(c.title).replace(/\s+/g, ' '),
		docNumber: cleanText(c.docNumber).replace(/\s+/g, ' '),
		body: cleanText(c.body),
		disclosure: c.disclosure,
		withheldReason: cleanText(c.withheldReason),
		planInterpreter: cleanText(c.planInterpreter),
		planApproach: cleanText(c.planApproach),
		planChannels: [...new Set(c.planChannels.map((x) => cleanText(x)).filter(Boolean))],
		planTiming: cleanText(c.planTiming),
		exemptionReason: cleanText(c.exemptionReason),
		fileIds: [...new Set(c.fileIds)]
	};
}

/** Files count by their content: the same bytes under another id are the same document. */
export function documentHash(c: DocumentContent, fileShas: string[]): string {
	return sha256([
		'huiying.document.v1',
		c.title,
		c.docNumber,
		c.body,
		c.disclosure,
		c.withheldReason,
		c.planInterpreter,
		c.planApproach,
		[...c.planChannels].sort(),
		c.planTiming,
		c.exemptionReason,
		[...fileShas].sort()
	]);
}

export interface MaterialContent {
	kind: MaterialKind;
	expertId: string | null;
	interpreterId: string | null;
	title: string;
	body: string;
	fileIds: string[];
}

export function materialHash(c: MaterialContent, fileShas: string[]): string {
	return sha256(['huiying.material.v1', c.kind, c.expertId, c.interpreterId, c.title, c.body, [...fileShas].sort()]);
}

/** What one approval covers: `document` and `material:<id>` for each material in the package. */
export function bundleOf(documentHash: string, materials: { id: string; hash: string }[]) {
	const covers: Record<string, string> = { document: documentHash };
	for (const m of [...materials].sort((a, b) => a.id.localeCompare(b.id))) covers[`material:${m.id}`] = m.hash;
	return { hash: sha256(['huiying.bundle.v1', covers]), covers };
}
