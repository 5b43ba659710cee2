import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { getDocumentProxy, getResolvedPDFJS } from 'unpdf';

// jsqr is CommonJS: its function is `module.exports`, which also carries itself as `default` (what its types see).
const jsQR = jsQRModule.default;

/** pdf.js ImageKind.GRAYSCALE_1BPP: rows of packed bits, most significant first, 1 = white. */
const GRAYSCALE_1BPP = 1;

interface PdfImage {
  width: number;
  height: number;
  kind: number;
  data: Uint8Array;
}

const toRgba = (image: PdfImage): Uint8ClampedArray => {
  if (image.kind !== GRAYSCALE_1BPP) throw new Error(`unexpected image kind ${image.kind}`);
  const rgba = new Uint8ClampedArray(image.width * image.height * 4).fill(255);
  const stride = Math.ceil(image.width / 8);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const black = (image.data[y * stride + (x >> 3)]! & (0x80 >> (x & 7))) === 0;
      if (black) rgba.fill(0, (y * image.width + x) * 4, (y * image.width + x) * 4 + 3);
    }
  }
  return rgba;
};

/**
 * What a phone reads from each image of a QR code: jsQR on the pixels. Dark on light only (a QR code printed in
 * inverse video is one many readers miss).
 */
export const scanQrCode = (rgba: Uint8ClampedArray, width: number, height: number): string | undefined =>
  jsQR(rgba, width, height, { inversionAttempts: 'dontInvert' })?.data;

/** The pixels of a PNG file as pngjs (an independent decoder, checksums included) reads them. */
export const decodePng = (png: Buffer) => PNG.sync.read(png);

/** The text of every QR code image of a PDF's first page, in drawing order, decoded by pdf.js then jsQR. */
export const scanPdfQrCodes = async (bytes: Uint8Array): Promise<(string | undefined)[]> => {
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  const page = await pdf.getPage(1);
  const { fnArray, argsArray } = await page.getOperatorList();
  const { OPS } = await getResolvedPDFJS();
  const names = fnArray.flatMap((fn, i) => (fn === OPS.paintImageXObject ? [argsArray[i][0] as string] : []));
  const images = await Promise.all(
    names.map((name) => new Promise<PdfImage>((resolve) => page.objs.get(name, resolve))),
  );
  return images.map((image) => scanQrCode(toRgba(image), image.width, image.height));
};
