import pdfmake from 'pdfmake';
import { buildInvoice } from '../domain/invoice.ts';
import { bookingConfirmationDocument } from './booking-confirmation.ts';
import type { CompanyIdentity } from './company.ts';
import { customerDetailsDocument } from './customer-details.ts';
import { prepareDocument } from './document-content.ts';
import { invoiceDocument } from './invoice.ts';
import type { DocDefinition } from './layout.ts';
import { missionProposalDocument } from './mission-proposal.ts';
import { qrPngDataUrl } from './qr-png.ts';
import type { RenderJob } from './render-job.ts';
import { installStandardFontMetrics } from './standard-font-metrics.ts';

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

export const documentDefinition = (job: RenderJob, company: CompanyIdentity): DocDefinition => {
  switch (job.kind) {
    case 'BOOKING_CONFIRMATION':
      return bookingConfirmationDocument(job.booking, company);
    case 'INVOICE':
      return invoiceDocument(job.booking, buildInvoice(job.booking, job.invoiceNumber), company);
    case 'CUSTOMER_DETAILS':
      return customerDetailsDocument(job.booking, company);
    case 'MISSION_PROPOSAL': {
      const qr = {
        acceptPng: qrPngDataUrl(job.proposal.acceptUrl),
        refusePng: qrPngDataUrl(job.proposal.refuseUrl),
      };
      return missionProposalDocument(job.proposal, qr, company, job.createdAt);
    }
    default: {
      const unreachable: never = job;
      throw new Error(`unknown document kind ${(unreachable as { kind: string }).kind}`);
    }
  }
};

/** Renders one document to PDF bytes, on the calling thread (the pool runs this inside its workers). */
export const renderDocument = async (job: RenderJob, company: CompanyIdentity): Promise<Uint8Array> => {
  await installStandardFontMetrics();
  const doc = prepareDocument(documentDefinition(job, company));
  const buffer = await pdfmake.createPdf(doc).getBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
};
