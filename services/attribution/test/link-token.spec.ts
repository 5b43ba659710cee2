import { describe, expect, it } from 'vitest';
import { createLinkSigner, type LinkClaims, respondUrl } from '../src/domain/link-token.ts';
import { LINK_SECRET } from './fixtures.ts';

const signer = createLinkSigner(LINK_SECRET);
const NOW = new Date('2026-06-01T10:00:00.000Z');
const claims: LinkClaims = {
  attributionId: '0195f000-0000-7000-8000-0000000000a1',
  professionalId: '0195f000-0000-7000-9000-0000000000b1',
  action: 'accept',
  round: 1,
  expiresAt: Math.floor(NOW.getTime() / 1000) + 3_600,
};

const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);

describe('link tokens', () => {
  const token = signer.sign(claims);

  it('round-trips its claims and is deterministic', () => {
    const verified = signer.verify(token, NOW);
    expect(verified).toMatchObject({ ok: true, claims });
    expect(signer.sign(claims)).toBe(token);
    expect(token).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('binds the action, the professional and the round', () => {
    const others = [
      signer.sign({ ...claims, action: 'refuse' }),
      signer.sign({ ...claims, professionalId: '0195f000-0000-7000-9000-0000000000b2' }),
      signer.sign({ ...claims, round: 2 }),
    ];
    expect(new Set([token, ...others]).size).toBe(4);
  });

  it('accepts only the canonical spelling of a signature, so one link has exactly one token id', () => {
    const [v, body, sig] = token.split('.') as [string, string, string];
    // 32 bytes → 43 base64url characters: the last one carries 2 unused bits, so 4 characters decode alike.
    const last = sig.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const base = alphabet.indexOf(last) & ~3;
    const variants = [0, 1, 2, 3]
      .map((i) => `${sig.slice(0, -1)}${alphabet[base + i]}`)
      .filter((s) => s !== sig);
    expect(variants).toHaveLength(3);
    for (const variant of [...variants, `${sig}=`]) {
      expect(Buffer.from(variant, 'base64url').equals(Buffer.from(sig, 'base64url'))).toBe(true);
      expect(signer.verify(`${v}.${body}.${variant}`, NOW)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('refuses a tampered body or signature', () => {
    const [v, body, sig] = token.split('.') as [string, string, string];
    expect(signer.verify(`${v}.${flip(body, 5)}.${sig}`, NOW)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(signer.verify(`${v}.${body}.${flip(sig, 3)}`, NOW)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    // Claims swapped from another token keep that token's signature: still refused.
    const refuse = signer.sign({ ...claims, action: 'refuse' }).split('.')[1];
    expect(signer.verify(`${v}.${refuse}.${sig}`, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a token signed with another secret', () => {
    const other = createLinkSigner('another-secret-another-secret-another-secret');
    expect(other.verify(token, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses malformed input without throwing', () => {
    for (const bad of [
      undefined,
      42,
      '',
      'abc',
      'v2.a.b',
      'v1..',
      `${token}.x`,
      'v1.%%%.***',
      'x'.repeat(600),
    ]) {
      expect(signer.verify(bad, NOW).ok).toBe(false);
    }
  });

  it('expires at its expiry instant', () => {
    const at = new Date(claims.expiresAt * 1000);
    expect(signer.verify(token, new Date(at.getTime() - 1)).ok).toBe(true);
    expect(signer.verify(token, at)).toMatchObject({ ok: false, reason: 'expired', claims });
  });

  it('gives a stable token id for the used-token table, different per token', () => {
    const a = signer.verify(token, NOW);
    const b = signer.verify(signer.sign({ ...claims, action: 'refuse' }), NOW);
    expect(a.ok && b.ok && a.tokenId !== b.tokenId).toBe(true);
    expect(a.ok && a.tokenId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects a short secret', () => {
    expect(() => createLinkSigner('short')).toThrow(/at least 32/);
  });

  it('builds the respond URL under the public base, with or without a path prefix', () => {
    expect(respondUrl('https://pro.example.fr', 'v1.a.b')).toBe(
      'https://pro.example.fr/attribution/respond?token=v1.a.b',
    );
    expect(respondUrl('https://example.fr/eq/', 'v1.a.b')).toBe(
      'https://example.fr/eq/attribution/respond?token=v1.a.b',
    );
  });
});
