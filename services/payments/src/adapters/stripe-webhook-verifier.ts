import Stripe from 'stripe';

/** The request does not carry a valid, recent Stripe signature for any of our secrets. */
export class InvalidSignatureError extends Error {
  override readonly name = 'InvalidSignatureError';
}

/** Correctly signed, but the body is not JSON (never sent by Stripe; a broken proxy or a forged test). */
export class InvalidJsonError extends Error {
  override readonly name = 'InvalidJsonError';
}

export interface StripeWebhookVerifier {
  /**
   * Verifies the signature over the raw body and returns the parsed JSON payload. The body is the raw bytes or
   * their UTF-8 decoding (Stripe's library decodes a Buffer to exactly that string before computing the HMAC).
   */
  verify(rawBody: Buffer | string, signatureHeader: string | string[] | undefined): unknown;
}

export interface StripeWebhookVerifierOptions {
  /** Every secret currently valid: during a rotation both the old and the new one. */
  secrets: readonly string[];
  /** Maximum age of the signature timestamp (Stripe's default and recommendation: 300 s). */
  toleranceSeconds: number;
  /** Only to build the Stripe client; verification itself never calls Stripe's API. */
  secretKey?: string | undefined;
}

const TOLERANCE_MESSAGE = /tolerance/i;

/**
 * Stripe's own verification (`stripe.webhooks.constructEvent`: HMAC-SHA256 over `timestamp.rawBody`, constant-time
 * comparison, timestamp tolerance), tried with each secret in turn so a secret rotation never rejects a webhook.
 */
export const createStripeWebhookVerifier = (options: StripeWebhookVerifierOptions): StripeWebhookVerifier => {
  if (options.secrets.length === 0) throw new Error('at least one Stripe webhook secret is required');
  // The client needs no key to verify webhooks; a placeholder keeps it from ever being used to call the API.
  const stripe = new Stripe(options.secretKey ?? 'sk_unused_webhook_verification_only');
  return {
    verify(rawBody, signatureHeader) {
      if (signatureHeader === undefined || signatureHeader === '') {
        throw new InvalidSignatureError('missing Stripe-Signature header');
      }
      if (Array.isArray(signatureHeader)) {
        throw new InvalidSignatureError('several Stripe-Signature headers');
      }
      let reason = 'no signature matches';
      for (const secret of options.secrets) {
        try {
          return stripe.webhooks.constructEvent(rawBody, signatureHeader, secret, options.toleranceSeconds);
        } catch (error) {
          // constructEvent parses the body only after the signature matched.
          if (error instanceof SyntaxError) throw new InvalidJsonError('the body is not valid JSON');
          const message = (error as Error).message.split('\n')[0] ?? 'invalid signature';
          // "Timestamp outside the tolerance zone" says more than "no signatures found" from the other secrets.
          if (!TOLERANCE_MESSAGE.test(reason)) reason = message.trim();
        }
      }
      throw new InvalidSignatureError(reason);
    },
  };
};
