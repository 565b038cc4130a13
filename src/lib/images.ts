// Screenshots are made small on the phone before they travel: a photo of a screen is several megabytes, a
// JPEG 1600 pixels on its long side a few hundred kilobytes, which a weak signal can still carry.
import { m } from '$lib/paraglide/messages.js';

export const MAX_SCREENSHOTS = 9;
export const MAX_EDGE = 1600;
export const JPEG_QUALITY = 0.8;

const IMAGE_NAME = /\.(jpe?g|png|gif|webp|heic|heif|bmp|avif)$/i;
// Types the server stores as they are; anything else (HEIC, BMP…) always becomes a JPEG.
const KEEPABLE = new Set(['image/jpeg', 'image/png', 'image/webp']);

/** A picked file that will not become a screenshot, with the reason in Chinese, naming 「截图」. */
export class ScreenshotRefused extends Error {}

/** Whether a picked file is an image: by its type, or by its name when the phone gives no type. */
export function looksLikeImage(file: { type: string; name: string }): boolean {
	return file.type ? file.type.startsWith('image/') : IMAGE_NAME.test(file.name);
}

/** The size to draw at: the long side at most `max`, the proportions kept, never enlarged. */
export function scaledSize(width: number, height: number, max = MAX_EDGE): { width: number; height: number } {
	const long = Math.max(width, height);
	if (long <= max) return { width, height };
	const k = max / long;
	return { width: Math.max(1, Math.round(width * k)), height: Math.max(1, Math.round(height * k)) };
}

/** `IMG_0012.PNG` → `IMG_0012.jpg`: the name says what the bytes now are. */
export function jpegName(name: string): string {
	const base = name.replace(/\.[^./\\]*$/, '') || m['opinion.screenshot_default_name']();
	return `${base}.jpg`;
}

/**
 * Sorts what was picked, with `already` screenshots on the form: files that are not images are refused
 * first, then whatever would go past the limit; the rest is compressed.
 */
export function sortPicked<F extends { type: string; name: string }>(files: F[], already: number): { accepted: F[]; problems: string[] } {
	const accepted: F[] = [];
	const problems: string[] = [];
	let over = 0;
	for (const file of files) {
		if (!looksLikeImage(file)) problems.push(m['opinion.screenshot_not_image_named']({ name: file.name }));
		else if (already + accepted.length >= MAX_SCREENSHOTS) over++;
		else accepted.push(file);
	}
	if (over) problems.push(m['opinion.screenshot.too_many']({ max: MAX_SCREENSHOTS, n: over }));
	return { accepted, problems };
}

/** A small picture that needs no scaling stays as it is when its JPEG would not be smaller. */
export function keepsOriginal(original: { type: string; size: number }, scaled: boolean, jpegBytes: number): boolean {
	return !scaled && KEEPABLE.has(original.type) && original.size <= jpegBytes;
}

export interface Screenshot {
	name: string;
	blob: Blob;
}

/** Decodes, scales to 1600 px at most on the long side and encodes as JPEG (quality 0.8), on the device. */
export async function compressScreenshot(file: File): Promise<Screenshot> {
	if (!looksLikeImage(file)) throw new ScreenshotRefused(m['opinion.screenshot_not_image_named']({ name: file.name }));
	// A browser without these sends the picture as it is; the server still checks it is an image.
	if (typeof createImageBitmap === 'undefined') return { name: file.name, blob: file };
	let bitmap: ImageBitmap;
	try {
		bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
	} catch {
		throw new ScreenshotRefused(m['opinion.screenshot.unreadable']({ name: file.name }));
	}
	try {
		const { width, height } = scaledSize(bitmap.width, bitmap.height);
		const jpeg = await encodeJpeg(bitmap, width, height);
		if (!jpeg) return { name: file.name, blob: file };
		const scaled = width !== bitmap.width || height !== bitmap.height;
		return keepsOriginal(file, scaled, jpeg.size) ? { name: file.name, blob: file } : { name: jpegName(file.name), blob: jpeg };
	} finally {
		bitmap.close();
	}
}

type Context2D = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

function draw(ctx: Context2D, bitmap: ImageBitmap, width: number, height: number) {
	// JPEG has no transparency: a transparent PNG would turn black without a white page under it.
	ctx.fillStyle = '#fff';
	ctx.fillRect(0, 0, width, height);
	ctx.imageSmoothingQuality = 'high';
	ctx.drawImage(bitmap, 0, 0, width, height);
}

async function encodeJpeg(bitmap: ImageBitmap, width: number, height: number): Promise<Blob | null> {
	if (typeof OffscreenCanvas !== 'undefined') {
		const canvas = new OffscreenCanvas(width, height);
		const ctx = canvas.getContext('2d');
		if (ctx) {
			draw(ctx, bitmap, width, height);
			return canvas.convertToBlob({ type: 'image/jpeg', quality: JPEG_QUALITY });
		}
	}
	const canvas = document.createElement('canvas');
	canvas.width = width;
	canvas.height = height;
	const ctx = canvas.getContext('2d');
	if (!ctx) return null;
	draw(ctx, bitmap, width, height);
	return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY));
}
