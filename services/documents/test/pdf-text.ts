import { extractText, getDocumentProxy } from 'unpdf';

/** The text of a PDF as a reader would copy it, spaces normalised (no-break spaces become plain ones). */
export const pdfText = async (bytes: Uint8Array): Promise<{ pages: number; text: string }> => {
  // pdf.js takes ownership of the buffer it is given: hand it a copy.
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  const { totalPages, text } = await extractText(pdf, { mergePages: true });
  return { pages: totalPages, text: text.replace(/[\s\u00a0\u202f]+/g, ' ') };
};

/** PDF document information (title, author, creation date…), as stored in the file. */
export const pdfInfo = async (bytes: Uint8Array): Promise<Record<string, unknown>> => {
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  const { info } = await pdf.getMetadata();
  return info as Record<string, unknown>;
};

/** The link annotations of the first page: target URL and clickable area (PDF points). */
export const pdfLinks = async (
  bytes: Uint8Array,
): Promise<{ url: string; width: number; height: number }[]> => {
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  const annotations = await (await pdf.getPage(1)).getAnnotations();
  return annotations
    .filter((a) => a.subtype === 'Link' && a.url)
    .map((a) => ({ url: a.url, width: a.rect[2] - a.rect[0], height: a.rect[3] - a.rect[1] }));
};
