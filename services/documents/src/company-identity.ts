import { readFile } from 'node:fs/promises';
import type { DocumentsConfig } from './config.ts';
import type { CompanyIdentity } from './rendering/company.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_SIGNATURE = Buffer.from([0xff, 0xd8, 0xff]);

/** The logo as a data URL (the only kind of image the renderer accepts); a wrong file fails the start-up. */
export const readLogo = async (path: string): Promise<string> => {
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`COMPANY_LOGO_PATH: cannot read ${path} (${error.code ?? error.message})`);
  });
  const type = bytes.subarray(0, 8).equals(PNG_SIGNATURE)
    ? 'image/png'
    : bytes.subarray(0, 3).equals(JPEG_SIGNATURE)
      ? 'image/jpeg'
      : undefined;
  if (!type) throw new Error(`COMPANY_LOGO_PATH: ${path} is neither a PNG nor a JPEG file`);
  return `data:${type};base64,${bytes.toString('base64')}`;
};

export const companyIdentity = async (config: DocumentsConfig): Promise<CompanyIdentity> => ({
  name: config.COMPANY_NAME,
  addressLines: config.COMPANY_ADDRESS,
  siret: config.COMPANY_SIRET,
  vatNumber: config.COMPANY_VAT_NUMBER,
  email: config.COMPANY_EMAIL,
  phone: config.COMPANY_PHONE,
  website: config.COMPANY_WEBSITE,
  legalMention: config.COMPANY_LEGAL_MENTION,
  logoDataUrl: config.COMPANY_LOGO_PATH ? await readLogo(config.COMPANY_LOGO_PATH) : undefined,
});
