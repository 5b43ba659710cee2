/** The issuer printed on every document (from configuration, COMPANY_* variables). */
export interface CompanyIdentity {
  name: string;
  /** Postal address, one entry per printed line. */
  addressLines: string[];
  /** 14 digits. */
  siret: string;
  /** Intra-community VAT number, e.g. FR12123456789. */
  vatNumber: string;
  email?: string | undefined;
  phone?: string | undefined;
  website?: string | undefined;
  /** Legal form, capital, RCS… printed in the footer, e.g. "SAS au capital de 10 000 € – RCS Paris 123 456 789". */
  legalMention?: string | undefined;
  /** PNG or JPEG as a data URL, read once at start-up. */
  logoDataUrl?: string | undefined;
}

/** `12345678900012` → `123 456 789 00012` (SIREN groups, then the NIC). */
export const formatSiret = (siret: string): string =>
  siret.length === 14
    ? `${siret.slice(0, 3)} ${siret.slice(3, 6)} ${siret.slice(6, 9)} ${siret.slice(9)}`
    : siret;

export const companyContactLine = (company: CompanyIdentity): string =>
  [company.phone, company.email, company.website].filter(Boolean).join(' · ');
