import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Meta signs every webhook with `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app
 * secret>`. Compared in constant time over the exact bytes received (a re-serialized JSON would not match).
 */
export const verifyHubSignature = (
  appSecret: string,
  rawBody: Buffer,
  header: string | undefined,
): boolean => {
  if (!header?.startsWith('sha256=')) return false;
  const received = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return received.length === expected.length && timingSafeEqual(received, expected);
};

/** Constant-time comparison of the GET verification token. */
export const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};
