import { documentUrlSignature, signDocumentUrl, verifyDocumentUrl } from '@express-quote/contracts';
import { describe, expect, it } from 'vitest';

const secret = 'test-secret-0123456789abcdef0123456789';
const key = 'bookings/0195f3a4-0000-7000-8000-0000000b0001/booking-confirmation.pdf';
const now = new Date('2026-03-02T10:00:00.000Z');

const parts = (url: string) => {
  const u = new URL(url);
  return {
    key: decodeURIComponent(u.pathname.replace('/api/documents/', '')),
    expires: u.searchParams.get('expires') ?? undefined,
    signature: u.searchParams.get('signature') ?? undefined,
  };
};

describe('signed document links', () => {
  const url = signDocumentUrl({
    baseUrl: 'https://documents.example.fr',
    key,
    expiresAt: new Date('2026-03-09T10:00:00.000Z'),
    secret,
  });

  it('follow the documented algorithm: base64url HMAC-SHA256 of "<key>\\n<expires seconds>"', () => {
    const expires = Math.floor(Date.parse('2026-03-09T10:00:00.000Z') / 1000);
    expect(url).toBe(
      `https://documents.example.fr/api/documents/${key}?expires=${expires}&signature=${documentUrlSignature(key, expires, secret)}`,
    );
    expect(documentUrlSignature(key, expires, secret)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('verify before expiry and only for the signed key, expiry and secret', () => {
    const p = parts(url);
    expect(verifyDocumentUrl({ ...p, secret, now })).toEqual({
      ok: true,
      expiresAt: new Date('2026-03-09T10:00:00.000Z'),
    });
    const refused = (changes: Partial<Parameters<typeof verifyDocumentUrl>[0]>) =>
      verifyDocumentUrl({ ...p, secret, now, ...changes });
    expect(refused({ key: key.replace('booking-confirmation', 'invoice') })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(refused({ expires: String(Number(p.expires) + 3600) })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(refused({ secret: `${secret}x` })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(refused({ signature: 'short' })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(refused({ now: new Date('2026-03-09T10:00:00.000Z') })).toEqual({ ok: false, reason: 'expired' });
    expect(refused({ signature: undefined })).toEqual({ ok: false, reason: 'missing_signature' });
    expect(refused({ expires: undefined })).toEqual({ ok: false, reason: 'missing_signature' });
    expect(refused({ expires: '1e12' })).toEqual({ ok: false, reason: 'malformed_expiry' });
  });

  it('never tells a forger that the link would have expired', () => {
    const p = parts(url);
    expect(
      verifyDocumentUrl({
        ...p,
        signature: `${p.signature}`.replace(/.$/, 'A'),
        secret,
        now: new Date('2030-01-01'),
      }),
    ).toEqual({ ok: false, reason: 'bad_signature' });
  });
});
