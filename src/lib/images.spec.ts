import { describe, expect, it } from 'vitest';
import { compressScreenshot, jpegName, keepsOriginal, looksLikeImage, MAX_SCREENSHOTS, scaledSize, ScreenshotRefused, sortPicked } from './images.ts';

const file = (name: string, type: string) => ({ name, type });

describe('a screenshot scaled on the phone', () => {
	it('brings the long side down to 1600 pixels and keeps the proportions', () => {
		expect(scaledSize(3024, 4032)).toEqual({ width: 1200, height: 1600 });
		expect(scaledSize(4000, 1000)).toEqual({ width: 1600, height: 400 });
	});
	it('leaves a picture that already fits as it is, never enlarging it', () => {
		expect(scaledSize(1170, 1600)).toEqual({ width: 1170, height: 1600 });
		expect(scaledSize(1, 1)).toEqual({ width: 1, height: 1 });
	});
	it('keeps a very long screenshot at least one pixel wide', () => {
		expect(scaledSize(2, 40_000)).toEqual({ width: 1, height: 1600 });
	});
	it('names the result as the JPEG it is', () => {
		expect(jpegName('IMG_0012.PNG')).toBe('IMG_0012.jpg');
		expect(jpegName('微博截图.heic')).toBe('微博截图.jpg');
		expect(jpegName('.png')).toBe('截图.jpg');
	});
	it('keeps a small original when its JPEG would not be smaller', () => {
		expect(keepsOriginal({ type: 'image/png', size: 70 }, false, 600)).toBe(true);
		expect(keepsOriginal({ type: 'image/png', size: 900_000 }, false, 200_000)).toBe(false);
		// Scaled, or of a type the server would not keep as it is: always the JPEG.
		expect(keepsOriginal({ type: 'image/png', size: 70 }, true, 600)).toBe(false);
		expect(keepsOriginal({ type: 'image/heic', size: 70 }, false, 600)).toBe(false);
	});
});

describe('what may be picked as a screenshot', () => {
	it('takes images by their type, or by their name when the phone gives none', () => {
		expect(looksLikeImage(file('a.jpg', 'image/jpeg'))).toBe(true);
		expect(looksLikeImage(file('IMG_0001.HEIC', ''))).toBe(true);
		expect(looksLikeImage(file('通报.pdf', 'application/pdf'))).toBe(false);
		expect(looksLikeImage(file('a.png', 'text/plain'))).toBe(false);
	});
	it('refuses a file that is not an image, naming 「截图」 and the file', () => {
		const { accepted, problems } = sortPicked([file('通报.pdf', 'application/pdf'), file('a.png', 'image/png')], 0);
		expect(accepted.map((f) => f.name)).toEqual(['a.png']);
		expect(problems).toEqual(['「截图」只能是图片：“通报.pdf”不是图片']);
	});
	it('stops at nine, and says how many were left out', () => {
		const picked = Array.from({ length: 4 }, (_, i) => file(`${i}.png`, 'image/png'));
		const { accepted, problems } = sortPicked(picked, MAX_SCREENSHOTS - 2);
		expect(accepted.map((f) => f.name)).toEqual(['0.png', '1.png']);
		expect(problems).toEqual(['「截图」最多 9 张，另有 2 张未添加']);
	});
	it('refuses a file that is not an image before trying to decode it', async () => {
		const pdf = new File(['%PDF-1.4'], '通报.pdf', { type: 'application/pdf' });
		await expect(compressScreenshot(pdf)).rejects.toThrow(ScreenshotRefused);
		await expect(compressScreenshot(pdf)).rejects.toThrow('「截图」只能是图片：“通报.pdf”不是图片');
	});
});
