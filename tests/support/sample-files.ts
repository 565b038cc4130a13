// Small but real files for upload tests, made byte by byte: no binary fixtures in the repository.
import { crc32, deflateSync } from 'node:zlib';

const utf8 = (s: string) => new TextEncoder().encode(s);

function concat(parts: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.byteLength;
	}
	return out;
}

/** A one-page PDF; `padTo` grows it with a comment to test size limits. */
export function samplePdf(padTo = 0): Uint8Array {
	const text = [
		'%PDF-1.4',
		'1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
		'2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
		'3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj',
		'trailer << /Root 1 0 R >>',
		'%%EOF',
		''
	].join('\n');
	const pad = Math.max(0, padTo - text.length);
	return utf8(text + (pad ? `%${'0'.repeat(pad - 2)}\n` : ''));
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
	const head = new Uint8Array(8);
	new DataView(head.buffer).setUint32(0, data.byteLength);
	head.set(utf8(type), 4);
	const crc = new Uint8Array(4);
	new DataView(crc.buffer).setUint32(0, crc32(concat([utf8(type), data])));
	return concat([head, data, crc]);
}

/** A 1×1 white PNG. */
export function samplePng(): Uint8Array {
	const ihdr = new Uint8Array(13);
	const v = new DataView(ihdr.buffer);
	v.setUint32(0, 1);
	v.setUint32(4, 1);
	ihdr.set([8, 2, 0, 0, 0], 8);
	return concat([
		new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		pngChunk('IHDR', ihdr),
		pngChunk('IDAT', deflateSync(new Uint8Array([0, 255, 255, 255]))),
		pngChunk('IEND', new Uint8Array())
	]);
}

/** A zip of stored (uncompressed) entries, with a central directory, as Word would write it minus compression. */
export function zip(entries: { name: string; data: string }[]): Uint8Array {
	const locals: Uint8Array[] = [];
	const centrals: Uint8Array[] = [];
	let offset = 0;
	for (const e of entries) {
		const name = utf8(e.name);
		const data = utf8(e.data);
		const crc = crc32(data);
		const local = new Uint8Array(30);
		const l = new DataView(local.buffer);
		l.setUint32(0, 0x04034b50, true);
		l.setUint16(4, 20, true);
		l.setUint32(14, crc, true);
		l.setUint32(18, data.byteLength, true);
		l.setUint32(22, data.byteLength, true);
		l.setUint16(26, name.byteLength, true);
		const central = new Uint8Array(46);
		const c = new DataView(central.buffer);
		c.setUint32(0, 0x02014b50, true);
		c.setUint16(4, 20, true);
		c.setUint16(6, 20, true);
		c.setUint32(16, crc, true);
		c.setUint32(20, data.byteLength, true);
		c.setUint32(24, data.byteLength, true);
		c.setUint16(28, name.byteLength, true);
		c.setUint32(42, offset, true);
		locals.push(local, name, data);
		centrals.push(central, name);
		offset += local.byteLength + name.byteLength + data.byteLength;
	}
	const directory = concat(centrals);
	const end = new Uint8Array(22);
	const d = new DataView(end.buffer);
	d.setUint32(0, 0x06054b50, true);
	d.setUint16(8, entries.length, true);
	d.setUint16(10, entries.length, true);
	d.setUint32(12, directory.byteLength, true);
	d.setUint32(16, offset, true);
	return concat([...locals, directory, end]);
}

/** The smallest Word document: [Content_Types].xml naming the main part, and word/document.xml. */
export function sampleDocx(): Uint8Array {
	return zip([
		{
			name: '[Content_Types].xml',
			data:
				'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
				'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
				'<Default Extension="xml" ContentType="application/xml"/>' +
				'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
				'</Types>'
		},
		{
			name: 'word/document.xml',
			data:
				'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
				'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>政策解读</w:t></w:r></w:p></w:body></w:document>'
		}
	]);
}

/** The header of an OLE compound file, as Word 97–2003 (and Excel, and .msi) files begin. */
export function sampleCompoundFile(): Uint8Array {
	const bytes = new Uint8Array(1536);
	bytes.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
	bytes.set([0x3e, 0x00, 0x03, 0x00, 0xfe, 0xff, 0x09, 0x00], 24);
	return bytes;
}

/** A Linux executable's first bytes. */
export function sampleElf(): Uint8Array {
	const bytes = new Uint8Array(128);
	bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
	return bytes;
}

/** A Windows executable's first bytes. */
export function sampleExe(): Uint8Array {
	const bytes = new Uint8Array(256);
	bytes.set(utf8('MZ'));
	new DataView(bytes.buffer).setUint32(0x3c, 0x80, true);
	bytes.set(utf8('PE\0\0'), 0x80);
	return bytes;
}

export const sampleText = (): Uint8Array => utf8('这不是 PDF，只是一段文字。\n');
