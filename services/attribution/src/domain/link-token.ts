import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** What a link lets its holder do. */
export const LINK_ACTIONS = ['accept', 'refuse'] as const;
export type LinkAction = (typeof LINK_ACTIONS)[number];

/** What a link token is bound to (DESIGN.md: attribution, professional, action), plus its round and expiry. */
export interface LinkClaims {
  attributionId: string;
  professionalId: string;
  action: LinkAction;
  round: number;
  /** Expiry, whole seconds since the epoch (the proposal's respondBy). */
  expiresAt: number;
}

const VERSION = 'v1';
const Claims = z.object({
  attributionId: z.uuid(),
  professionalId: z.uuid(),
  action: z.enum(LINK_ACTIONS),
  round: z.number().int().positive(),
  expiresAt: z.number().int().positive(),
});

export type VerifyResult =
  | { ok: true; claims: LinkClaims; tokenId: string }
  | { ok: false; reason: 'malformed' | 'bad_signature' }
  | { ok: false; reason: 'expired'; claims: LinkClaims; tokenId: string };

const b64url = (buffer: Buffer): string => buffer.toString('base64url');

/** Minimum secret length: an HMAC key shorter than its output only weakens it. */
export const MIN_SECRET_LENGTH = 32;

/**
 * Signed, expiring action links: `v1.<claims>.<HMAC-SHA256(secret, "v1.<claims>")>`, base64url throughout so the
 * token survives URLs and mail clients untouched. Deterministic (the same claims sign to the same token), so a
 * redelivered proposal carries the same links. Tokens are single-use: `tokenId` is what the used-token table
 * remembers (a hash, so the table holds nothing that could be replayed).
 */
export const createLinkSigner = (secret: string) => {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`the link secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  const mac = (payload: string) => createHmac('sha256', secret).update(payload, 'utf8').digest();
  const tokenIdOf = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

  return {
    sign(claims: LinkClaims): string {
      const body = b64url(
        Buffer.from(
          JSON.stringify([
            claims.attributionId,
            claims.professionalId,
            claims.action,
            claims.round,
            claims.expiresAt,
          ]),
          'utf8',
        ),
      );
      const payload = `${VERSION}.${body}`;
      return `${payload}.${b64url(mac(payload))}`;
    },

    /** Checks shape, signature (constant time) and expiry against `now`, in that order. */
    verify(token: unknown, now: Date): VerifyResult {
      if (typeof token !== 'string' || token.length > 512) return { ok: false, reason: 'malformed' };
      const parts = token.split('.');
      if (parts.length !== 3 || parts[0] !== VERSION) return { ok: false, reason: 'malformed' };
      const [version, body, signature] = parts as [string, string, string];
      const given = Buffer.from(signature, 'base64url');
      const expected = mac(`${version}.${body}`);
      // base64url decoding forgives padding and the low bits of the last character: only the canonical spelling is
      // accepted, otherwise one signature would give several token ids and defeat single use.
      if (b64url(given) !== signature) return { ok: false, reason: 'malformed' };
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return { ok: false, reason: 'bad_signature' };
      }
      let decoded: unknown;
      try {
        decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      } catch {
        return { ok: false, reason: 'malformed' };
      }
      if (!Array.isArray(decoded) || decoded.length !== 5) return { ok: false, reason: 'malformed' };
      const [attributionId, professionalId, action, round, expiresAt] = decoded;
      const parsed = Claims.safeParse({ attributionId, professionalId, action, round, expiresAt });
      if (!parsed.success) return { ok: false, reason: 'malformed' };
      const claims = parsed.data;
      const tokenId = tokenIdOf(token);
      if (now.getTime() >= claims.expiresAt * 1000) return { ok: false, reason: 'expired', claims, tokenId };
      return { ok: true, claims, tokenId };
    },
  };
};

export type LinkSigner = ReturnType<typeof createLinkSigner>;

/** The link a professional receives: one page per token, whatever the action. */
export const respondUrl = (publicBaseUrl: string, token: string): string => {
  const url = new URL(
    'attribution/respond',
    publicBaseUrl.endsWith('/') ? publicBaseUrl : `${publicBaseUrl}/`,
  );
  url.searchParams.set('token', token);
  return url.toString();
};
