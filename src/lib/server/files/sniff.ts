// What a file is, read from its bytes: the name's extension and the browser's declared type are not trusted.
import { fileTypeFromBuffer } from 'file-type';

export interface Sniffed {
	mime: string;
	ext: string;
}

export type FileRefusalReason = 'empty' | 'too_large' | 'type';

const ALLOWED: Record<string, string> = {
	pdf: 'application/pdf',
	png: 'image/png',
	jpg: 'image/jpeg',
	webp: 'image/webp',
	gif: 'image/gif',
	docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
};
const DOC_MIME = 'application/msword';

/** Shown in the browser (PDF viewer, image); everything else is downloaded. */
export function isInline(mime: string): boolean {
	return mime === 'application/pdf' || mime.startsWith('image/');
}

/**
 * The file's real type when it is one we accept, else null. A Word 97–2003 file is an OLE compound file,
 * which also holds spreadsheets and installers: it passes only when its name says .doc.
 */
export async function sniffType(bytes: Uint8Array, name: string): Promise<Sniffed | null> {
	const found = await fileTypeFromBuffer(bytes);
	if (!found) return null;
	if (found.ext === 'cfb') return /\.doc$/i.test(name.trim()) ? { mime: DOC_MIME, ext: 'doc' } : null;
	const mime = ALLOWED[found.ext];
	return mime ? { mime, ext: found.ext } : null;
}

/** Every check a stored file must pass, in the order a person would want to hear about them. */
export async function checkFile(
	bytes: Uint8Array,
	name: string,
	maxBytes: number
): Promise<{ ok: true; type: Sniffed } | { ok: false; reason: FileRefusalReason }> {
	if (bytes.byteLength === 0) return { ok: false, reason: 'empty' };
	if (bytes.byteLength > maxBytes) return { ok: false, reason: 'too_large' };
	const type = await sniffType(bytes, name);
	return type ? { ok: true, type } : { ok: false, reason: 'type' };
}

/**
 * The name as it is shown and offered for download: no folders (some browsers send a path), no control
 * characters, at most 200 characters with the extension kept. Never used as a storage key.
 */
export function cleanFileName(raw: string, ext: string): string {
	const base = (raw.split(/[\\/]/).at(-1) ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim();
	const name = base || `file.${ext}`;
	if (name.length <= 200) return name;
	const dot = name.lastIndexOf('.');
	const suffix = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
	return name.slice(0, 200 - suffix.length) + suffix;
}
