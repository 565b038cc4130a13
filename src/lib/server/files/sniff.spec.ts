import { describe, expect, it } from 'vitest';
import { checkFile, cleanFileName, sniffType } from './sniff.ts';
import {
	sampleCompoundFile,
	sampleDocx,
	sampleElf,
	sampleExe,
	samplePdf,
	samplePng,
	sampleText,
	zip
} from '../../../../tests/support/sample-files.ts';

const MB = 1024 * 1024;

describe('what a file is, read from its bytes', () => {
	it('knows a PDF, a PNG and a Word document whatever they are called', async () => {
		expect(await sniffType(samplePdf(), '通知.pdf')).toEqual({ mime: 'application/pdf', ext: 'pdf' });
		expect(await sniffType(samplePng(), '现场照片.pdf')).toEqual({ mime: 'image/png', ext: 'png' });
		expect(await sniffType(sampleDocx(), '解读材料')).toEqual({
			mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
			ext: 'docx'
		});
	});

	it('refuses a text file renamed .pdf and executables renamed as documents', async () => {
		expect(await sniffType(sampleText(), '通知.pdf')).toBeNull();
		expect(await sniffType(sampleElf(), '通知.pdf')).toBeNull();
		expect(await sniffType(sampleExe(), '通知.docx')).toBeNull();
	});

	it('accepts an old Word file only when its name says .doc: the same container holds spreadsheets and installers', async () => {
		expect(await sniffType(sampleCompoundFile(), '旧版通知.DOC')).toEqual({ mime: 'application/msword', ext: 'doc' });
		expect(await sniffType(sampleCompoundFile(), '统计表.xls')).toBeNull();
		expect(await sniffType(sampleCompoundFile(), 'setup.msi')).toBeNull();
	});

	it('refuses a spreadsheet and a plain zip', async () => {
		const xlsx = zip([
			{
				name: '[Content_Types].xml',
				data: '<Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
			},
			{ name: 'xl/workbook.xml', data: '<workbook/>' }
		]);
		expect(await sniffType(xlsx, '表.xlsx')).toBeNull();
		expect(await sniffType(zip([{ name: 'a.txt', data: 'hello' }]), 'a.docx')).toBeNull();
	});
});

describe('the checks before a file is stored', () => {
	it('says why a file is refused: empty, too large, or of the wrong type', async () => {
		expect(await checkFile(new Uint8Array(), '空.pdf', 20 * MB)).toEqual({ ok: false, reason: 'empty' });
		expect(await checkFile(samplePdf(MB + 1), '大.pdf', MB)).toEqual({ ok: false, reason: 'too_large' });
		expect(await checkFile(samplePdf(MB), '刚好.pdf', MB)).toMatchObject({ ok: true, type: { ext: 'pdf' } });
		expect(await checkFile(sampleText(), '假.pdf', MB)).toEqual({ ok: false, reason: 'type' });
	});

	it('keeps the shown name plain: no folders, no control characters, at most 200 characters with the extension', () => {
		expect(cleanFileName('C:\\Users\\王\\Desktop\\关于做好防汛工作的通知.pdf', 'pdf')).toBe('关于做好防汛工作的通知.pdf');
		expect(cleanFileName('../../etc/passwd', 'pdf')).toBe('passwd');
		expect(cleanFileName('报告\u0000\n.pdf', 'pdf')).toBe('报告.pdf');
		expect(cleanFileName('   ', 'png')).toBe('file.png');
		const long = cleanFileName(`${'长'.repeat(300)}.docx`, 'docx');
		expect(long).toHaveLength(200);
		expect(long.endsWith('长.docx')).toBe(true);
	});
});
