import { createHash } from 'node:crypto';
import pdfmake from 'pdfmake';
import { describe, expect, it } from 'vitest';
import { prepareDocument } from '../src/rendering/document-content.ts';
import type { RenderJob } from '../src/rendering/render-job.ts';
import { documentDefinition, renderDocument } from '../src/rendering/render-pdf.ts';
import { installStandardFontMetrics } from '../src/rendering/standard-font-metrics.ts';
import { bookingData, company, customer, pickupStreet, proposalData, ttcLinesPrice } from './fixtures.ts';
import { pdfInfo, pdfLinks, pdfText } from './pdf-text.ts';
import { scanPdfQrCodes } from './qr-scan.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const render = (job: RenderJob) => renderDocument(job, company);
const booking = bookingData();

const jobs: Record<RenderJob['kind'], RenderJob> = {
  BOOKING_CONFIRMATION: { kind: 'BOOKING_CONFIRMATION', booking },
  INVOICE: { kind: 'INVOICE', booking, invoiceNumber: 'FA-2026-000042' },
  CUSTOMER_DETAILS: { kind: 'CUSTOMER_DETAILS', booking },
  MISSION_PROPOSAL: {
    kind: 'MISSION_PROPOSAL',
    proposal: proposalData(),
    createdAt: '2026-03-02T10:16:00.000Z',
  },
};

describe('rendered PDFs', () => {
  it('BOOKING_CONFIRMATION: reference, service, date and time, addresses, price lines and total paid', async () => {
    const { pages, text } = await pdfText(await render(jobs.BOOKING_CONFIRMATION));
    expect(pages).toBe(1);
    for (const expected of [
      'Express Quote SAS',
      'Confirmation de réservation',
      'Réf. EQ-2026-000123',
      'Bonjour Jérôme Dufresne-Lévêque',
      'Prestation Déménagement',
      'Date Samedi 14 mars 2026',
      'Créneau 09:00 – 13:00',
      'Volume 20 m³',
      'Distance estimée 465 km',
      'Options Emballage, 3 étage(s) sans ascenseur au départ',
      'Adresse de départ 27 avenue des Gobelins 75013 Paris',
      "Adresse d'arrivée 5 place Bellecour 69002 Lyon",
      'Désignation Montant',
      'Forfait déménagement Paris -> Lyon 450,00 €',
      'Volume : 20 m³ × 25,00 € 500,00 €',
      'Étages sans ascenseur : 3 × 15,00 € 45,00 €',
      'Emballage des cartons fragiles 123,45 €',
      'TVA 20 % 223,69 €',
      'Assurance (exonérée de TVA) 30,00 €',
      'Total TTC 1 372,14 €',
      'Montant payé 1 372,14 €',
      'SIRET 123 456 789 00012',
      'TVA FR12123456789',
      'Page 1 / 1',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('BOOKING_CONFIRMATION of an older event without the priced details leaves those rows out', async () => {
    const { text } = await pdfText(
      await render({
        kind: 'BOOKING_CONFIRMATION',
        booking: bookingData({ volumeM3: undefined, distanceKm: undefined, options: undefined }),
      }),
    );
    expect(text).toContain('Créneau 09:00 – 13:00 Assurance Souscrite');
    expect(text).not.toContain('Distance estimée');
  });

  it('INVOICE: number, date, lines HT with VAT 20 %, totals that add up, paid mention', async () => {
    const { text } = await pdfText(await render(jobs.INVOICE));
    for (const expected of [
      'Facture',
      'N° FA-2026-000042',
      'Date : 02/03/2026',
      'SIRET : 123 456 789 00012',
      'N° TVA intracommunautaire : FR12123456789',
      'Client Jérôme Dufresne-Lévêque 27 avenue des Gobelins 75013 Paris',
      'Désignation Montant HT TVA 20 % Montant TTC',
      'Forfait déménagement Paris -> Lyon 450,00 € 90,00 € 540,00 €',
      'Volume : 20 m³ × 25,00 € 500,00 € 100,00 € 600,00 €',
      'Étages sans ascenseur : 3 × 15,00 € 45,00 € 9,00 € 54,00 €',
      'Emballage des cartons fragiles 123,45 € 24,69 € 148,14 €',
      'Assurance (exonérée de TVA) * 30,00 € Exonérée 30,00 €',
      'Total HT 1 148,45 €',
      'TVA 20 % sur 1 118,45 € 223,69 €',
      'Total TTC 1 372,14 €',
      'Facture acquittée le 02/03/2026 par carte bancaire – montant réglé : 1 372,14 €.',
      '* Exonéré de TVA (opérations d’assurance, article 261 C du CGI) : 30,00 €.',
    ]) {
      expect(text).toContain(expected);
    }
    // The price's own VAT line is not an invoice line.
    expect(text).not.toContain('TVA 20 % 223,69 € 44,74 €');
    expect(text).not.toContain('Reste dû');
  });

  it('INVOICE: a price whose lines include VAT is split into HT + VAT to the cent', async () => {
    const { text } = await pdfText(
      await render({
        kind: 'INVOICE',
        booking: bookingData({ price: ttcLinesPrice, amountPaidCents: 119_345 }),
        invoiceNumber: 'FA-2026-000043',
      }),
    );
    for (const expected of [
      // 98 000 + 9 000 + 12 345 = 119 345 TTC → HT 99 454 (rounded exact value), VAT 19 891. Exact line HT:
      // 816,666…, 75, 102,875: the floors miss one cent, which goes to the line that lost the most (the first).
      'Déménagement 20 m³ 816,67 € 163,33 € 980,00 €',
      'Étages sans ascenseur (3e) 75,00 € 15,00 € 90,00 €',
      'Emballage des cartons fragiles 102,87 € 20,58 € 123,45 €',
      'Total HT 994,54 €',
      'TVA (20 %) 198,91 €',
      'Total TTC 1 193,45 €',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('Exonéré');
  });

  it('INVOICE: a short payment shows what is still due', async () => {
    const { text } = await pdfText(
      await render({ ...jobs.INVOICE, booking: bookingData({ amountPaidCents: 130_000 }) } as RenderJob),
    );
    expect(text).toContain('montant réglé : 1 300,00 €.');
    expect(text).toContain('Reste dû : 72,14 €.');
  });

  it('CUSTOMER_DETAILS: the full customer data and the booking details, marked internal', async () => {
    const { text } = await pdfText(await render(jobs.CUSTOMER_DETAILS));
    for (const expected of [
      'Fiche client',
      'Usage interne',
      'Document interne et confidentiel',
      `Nom ${customer.lastName}`,
      `Prénom ${customer.firstName}`,
      `E-mail ${customer.email}`,
      `Téléphone ${customer.phone}`,
      `Identifiant client ${customer.customerId}`,
      `Identifiant réservation ${booking.bookingId}`,
      `Session Stripe ${booking.checkoutSessionId}`,
      'Assurance Souscrite (30,00 €)',
      'Écart de paiement Aucun',
      pickupStreet,
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('MISSION_PROPOSAL: initials, cities, schedule, service, amount, links and deadline only', async () => {
    const bytes = await render(jobs.MISSION_PROPOSAL);
    const { text } = await pdfText(bytes);
    for (const expected of [
      'Proposition de mission',
      'Réf. EQ-2026-000123',
      'Mission urgente',
      'Prestation Déménagement',
      'Date Samedi 14 mars 2026',
      'Créneau 09:00 – 13:00',
      'Client J. D.',
      'Ville de départ Paris',
      "Ville d'arrivée Lyon",
      'Montant estimé 850,00 €',
      // 16:15 UTC on 2 March is 17:15 in Paris (winter time).
      'Répondez avant le 02/03/2026 à 17:15',
      'Accepter la mission',
      'Refuser la mission',
    ]) {
      expect(text).toContain(expected);
    }
    // The links are real link annotations, not just words.
    const raw = Buffer.from(bytes).toString('latin1');
    expect(raw).toContain(`/URI (${proposalData().acceptUrl})`);
    expect(raw).toContain(`/URI (${proposalData().refuseUrl})`);
  });

  it('MISSION_PROPOSAL: its QR codes, as a PDF reader decodes them, scan to the links, and open them when clicked', async () => {
    const bytes = await render(jobs.MISSION_PROPOSAL);
    const { acceptUrl, refuseUrl } = proposalData();
    expect(await scanPdfQrCodes(bytes)).toEqual([acceptUrl, refuseUrl]);
    // Besides the words of each button, the whole 110 pt square of each QR code is a link.
    const squares = (await pdfLinks(bytes)).filter(
      (link) => Math.round(link.width) === 110 && Math.round(link.height) === 110,
    );
    expect(squares.map((link) => link.url)).toEqual([acceptUrl, refuseUrl]);
  });

  it('MISSION_PROPOSAL never shows the customer surname, e-mail, phone or street', async () => {
    const bytes = await render(jobs.MISSION_PROPOSAL);
    const { text } = await pdfText(bytes);
    const raw = Buffer.from(bytes).toString('latin1');
    const secrets = [
      customer.lastName,
      'Dufresne',
      'Lévêque',
      customer.firstName,
      customer.email,
      'exemple.fr',
      customer.phone,
      '06 12 34 56 78',
      '612345678',
      pickupStreet,
      'Gobelins',
      booking.addresses.delivery!.street,
      'Bellecour',
    ];
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
      expect(raw).not.toContain(secret);
    }
  });

  it('renders € and French accents with the standard fonts', async () => {
    const { text } = await pdfText(
      await render({
        kind: 'BOOKING_CONFIRMATION',
        booking: bookingData({
          customer: { ...customer, firstName: 'Gaëlle', lastName: 'Çœur-Ñúñez' },
          price: {
            ...booking.price,
            lines: [
              { code: 'X', label: 'Prestation spéciale «\u00a0à l’étage\u00a0» œuvre', amountCents: 137_214 },
            ],
          },
        }),
      }),
    );
    expect(text).toContain('Bonjour Gaëlle Çœur-Ñúñez');
    expect(text).toContain('Prestation spéciale « à l’étage » œuvre 1 372,14 €');
  });

  it('brings names outside WinAnsi into it instead of printing garbage', async () => {
    const { text } = await pdfText(
      await render({
        kind: 'CUSTOMER_DETAILS',
        booking: bookingData({ customer: { ...customer, firstName: 'Łukasz', lastName: 'Đorđević' } }),
      }),
    );
    expect(text).toContain('Nom Dordevic');
    expect(text).toContain('Prénom Lukasz');
  });

  it.each(Object.values(jobs))('two renders of one $kind job are byte-identical', async (job) => {
    const first = await render(job);
    const second = await render(structuredClone(job));
    expect(first.byteLength).toBeGreaterThan(1_000);
    expect(sha256(second)).toBe(sha256(first));
  });

  it('takes the creation date from the event and the author from the company', async () => {
    const info = await pdfInfo(await render(jobs.INVOICE));
    expect(info.Author).toBe('Express Quote SAS');
    expect(info.Title).toBe('Facture – N° FA-2026-000042');
    expect(info.CreationDate).toBe('D:20260302101500Z');
    const proposalInfo = await pdfInfo(await render(jobs.MISSION_PROPOSAL));
    expect(proposalInfo.CreationDate).toBe('D:20260302101600Z');
  });

  it('shows the logo instead of the company name when one is configured', async () => {
    // A 1×1 PNG.
    const logo =
      'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const bytes = await renderDocument(jobs.BOOKING_CONFIRMATION, { ...company, logoDataUrl: logo });
    expect(Buffer.from(bytes).toString('latin1')).toContain('/Subtype /Image');
  });

  it.each(Object.values(jobs))(
    '$kind: named styles resolved before pdfmake give the same bytes',
    async (job) => {
      // A definition of its own for each render: pdfmake writes into the nodes it lays out.
      const resolved = await pdfmake.createPdf(prepareDocument(documentDefinition(job, company))).getBuffer();
      const byPdfmake = await pdfmake
        .createPdf(prepareDocument(documentDefinition(job, company), { resolveStyles: false }))
        .getBuffer();
      expect(sha256(resolved)).toBe(sha256(byPdfmake));
    },
  );

  it('parses the standard font metrics once per thread, kerning off (pdfkit internals still where expected)', async () => {
    expect(await installStandardFontMetrics()).toBe(true);
    const kit = await pdfmake.createPdf({ content: 'x', defaultStyle: { font: 'Helvetica' } }).getStream();
    // Helvetica's A and V are 667 units wide each, and its AFM file kerns the pair by -70.
    expect(kit.font('Helvetica').fontSize(1000).widthOfString('AV')).toBe(1334);
    kit.end();
  });
});
