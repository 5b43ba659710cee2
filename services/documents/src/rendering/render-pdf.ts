import type { Content } from 'pdfmake';
import pdfmake from 'pdfmake';
import QRCode from 'qrcode';
import { buildInvoice } from '../domain/invoice.ts';
import { bookingConfirmationDocument } from './booking-confirmation.ts';
import type { CompanyIdentity } from './company.ts';
import { customerDetailsDocument } from './customer-details.ts';
import { cacheStandardFontMetrics } from './font-metrics-cache.ts';
import { invoiceDocument } from './invoice.ts';
import type { DocDefinition } from './layout.ts';
import { missionProposalDocument } from './mission-proposal.ts';
import type { RenderJob } from './render-job.ts';
import { toWinAnsi } from './win-ansi.ts';

const STANDARD_FONTS = {
  Helvetica: {
    normal: 'Helvetica',
    bold: 'Helvetica-Bold',
    italics: 'Helvetica-Oblique',
    bolditalics: 'Helvetica-BoldOblique',
  },
};
const STANDARD_FONT_NAMES = new Set(Object.values(STANDARD_FONTS.Helvetica));

// The PDF standard fonts are built into every reader: nothing to embed, ~4× cheaper than a TrueType font, and
// their WinAnsi encoding has €, œ and every French accent. No document may fetch a URL or read a file: the only
// "local paths" allowed are those standard font names, the only images are data URLs.
pdfmake.setFonts(STANDARD_FONTS);
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy((path) => STANDARD_FONT_NAMES.has(path));

const TEXT_CONTAINERS = ['text', 'stack', 'columns', 'ul', 'ol'] as const;

/** Brings every text of a document into WinAnsi (see win-ansi.ts); links, images and SVG are left alone. */
const winAnsiContent = (node: Content): Content => {
  if (typeof node === 'string') return toWinAnsi(node);
  if (Array.isArray(node)) return node.map(winAnsiContent);
  if (typeof node !== 'object' || node === null) return node;
  const copy: Record<string, unknown> = { ...node };
  for (const key of TEXT_CONTAINERS) {
    if (key in copy) copy[key] = winAnsiContent(copy[key] as Content);
  }
  if ('table' in copy && copy.table && typeof copy.table === 'object') {
    const table = copy.table as { body: Content[][] };
    copy.table = { ...table, body: table.body.map((row) => row.map(winAnsiContent)) };
  }
  return copy as unknown as Content;
};

const winAnsiDocument = (doc: DocDefinition): DocDefinition => {
  const footer = doc.footer;
  return {
    ...doc,
    content: winAnsiContent(doc.content),
    ...(typeof footer === 'function'
      ? {
          footer: (page: number, count: number, size: Parameters<typeof footer>[2]) => {
            const content = footer(page, count, size);
            return content ? winAnsiContent(content) : content;
          },
        }
      : {}),
  };
};

const qrSvg = (url: string): Promise<string> =>
  QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });

export const documentDefinition = async (
  job: RenderJob,
  company: CompanyIdentity,
): Promise<DocDefinition> => {
  switch (job.kind) {
    case 'BOOKING_CONFIRMATION':
      return bookingConfirmationDocument(job.booking, company);
    case 'INVOICE':
      return invoiceDocument(job.booking, buildInvoice(job.booking, job.invoiceNumber), company);
    case 'CUSTOMER_DETAILS':
      return customerDetailsDocument(job.booking, company);
    case 'MISSION_PROPOSAL': {
      const [acceptSvg, refuseSvg] = await Promise.all([
        qrSvg(job.proposal.acceptUrl),
        qrSvg(job.proposal.refuseUrl),
      ]);
      return missionProposalDocument(job.proposal, { acceptSvg, refuseSvg }, company, job.createdAt);
    }
    default: {
      const unreachable: never = job;
      throw new Error(`unknown document kind ${(unreachable as { kind: string }).kind}`);
    }
  }
};

/** Renders one document to PDF bytes, on the calling thread (the pool runs this inside its workers). */
export const renderDocument = async (job: RenderJob, company: CompanyIdentity): Promise<Uint8Array> => {
  await cacheStandardFontMetrics();
  const doc = winAnsiDocument(await documentDefinition(job, company));
  const buffer = await pdfmake.createPdf(doc).getBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
};
