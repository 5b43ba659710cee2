import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { qrPng, qrPngDataUrl } from '../src/rendering/qr-png.ts';
import { decodePng, scanQrCode } from './qr-scan.ts';

// A signed link of the length production sends (~210 characters: QR version 10, 57 × 57 modules).
const signedUrl =
  'https://pro.express-quote.fr/api/attribution/0b9c7d2e-5f1a-4c3b-9e8d-7a6b5c4d3e2f/accept' +
  '?professional=1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d&expires=1772468160&signature=Zm9vYmFyYmF6cXV4cXV1eGNvcmdl';

describe('QR code PNG', () => {
  it('is a 1-bit grayscale PNG whose pixels are the module matrix, 4 px per module, 4 modules of quiet zone', () => {
    const png = decodePng(qrPng(signedUrl));
    const { modules } = QRCode.create([{ data: Buffer.from(signedUrl), mode: 'byte' }], {
      errorCorrectionLevel: 'M',
    });
    expect(modules.size).toBe(57);
    expect(png.depth).toBe(1);
    expect(png.colorType).toBe(0);
    expect(png.width).toBe((57 + 8) * 4);
    expect(png.height).toBe(png.width);
    const mismatches: string[] = [];
    for (let y = 0; y < png.height; y++) {
      for (let x = 0; x < png.width; x++) {
        const [row, column] = [Math.floor(y / 4) - 4, Math.floor(x / 4) - 4];
        const inside = row >= 0 && row < modules.size && column >= 0 && column < modules.size;
        const dark = inside && modules.get(row, column) === 1;
        const i = (y * png.width + x) * 4;
        const pixel = [...png.data.subarray(i, i + 4)];
        if (pixel.join() !== (dark ? '0,0,0,255' : '255,255,255,255')) mismatches.push(`${x},${y}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it.each([
    signedUrl,
    'https://pro.express-quote.fr/a?x=1',
    'https://exemple.fr/mission?ville=Besançon&créneau=09:00–13:00',
  ])('scans back to the text it encodes: %s', (text) => {
    const png = decodePng(qrPng(text));
    expect(scanQrCode(new Uint8ClampedArray(png.data), png.width, png.height)).toBe(text);
  });

  it('is a data URL pdfmake embeds as is, identical for identical text', () => {
    const url = qrPngDataUrl(signedUrl);
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    expect(Buffer.from(url.slice('data:image/png;base64,'.length), 'base64')).toEqual(qrPng(signedUrl));
    expect(qrPngDataUrl(signedUrl)).toBe(url);
  });
});
