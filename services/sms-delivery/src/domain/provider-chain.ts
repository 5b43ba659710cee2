import { CircuitOpenError } from '@express-quote/delivery-kit';
import {
  type OutgoingSms,
  type SmsProvider,
  SmsProviderError,
  type SmsProviderName,
  type SmsReceipt,
} from '../adapters/sms-provider.ts';

/** What happened with one provider of the chain, for logs and metrics (never the number or the text). */
export interface ProviderAttempt {
  provider: SmsProviderName;
  outcome: 'sent' | 'circuit_open' | 'unavailable' | 'rejected' | 'recipient';
  reason: string | null;
  code: string | null;
  durationMs: number;
}

export type ChainResult =
  | { outcome: 'sent'; provider: SmsProviderName; receipt: SmsReceipt; attempts: ProviderAttempt[] }
  /** The number is refused for good: no other provider is tried. */
  | {
      outcome: 'recipient_refused';
      provider: SmsProviderName;
      reason: string;
      code: string | null;
      attempts: ProviderAttempt[];
    }
  /** No configured provider can reach this recipient (e.g. only Free Mobile and a customer). */
  | { outcome: 'unreachable'; reason: string; attempts: ProviderAttempt[] }
  /** Every provider that could reach the recipient failed for now: try again later. */
  | { outcome: 'all_failed'; reason: string; retryAfterMs: number | null; attempts: ProviderAttempt[] };

/**
 * Tries the providers in their configured order. A provider in trouble (or whose circuit is open) hands over to
 * the next one; a refusal of the number stops the chain at once, since every provider would refuse it too.
 */
export const sendThroughChain = async (
  providers: readonly SmsProvider[],
  sms: OutgoingSms,
  options: { timeoutMs: number; onAttempt?: (attempt: ProviderAttempt) => void },
): Promise<ChainResult> => {
  const attempts: ProviderAttempt[] = [];
  const record = (attempt: ProviderAttempt) => {
    attempts.push(attempt);
    options.onAttempt?.(attempt);
  };
  const candidates = providers.filter((p) => p.canReach(sms));
  if (candidates.length === 0) {
    return {
      outcome: 'unreachable',
      reason: `no configured SMS provider can reach a ${sms.recipientKind} (providers: ${providers.map((p) => p.name).join(', ') || 'none'})`,
      attempts,
    };
  }
  let retryAfterMs: number | null = null;
  for (const provider of candidates) {
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
    try {
      const receipt = await provider.send(sms, { timeoutMs: options.timeoutMs });
      record({ provider: provider.name, outcome: 'sent', reason: null, code: null, durationMs: elapsed() });
      return { outcome: 'sent', provider: provider.name, receipt, attempts };
    } catch (error) {
      if (error instanceof CircuitOpenError) {
        record({
          provider: provider.name,
          outcome: 'circuit_open',
          reason: error.message,
          code: null,
          durationMs: 0,
        });
        continue;
      }
      const failure =
        error instanceof SmsProviderError
          ? error
          : new SmsProviderError(provider.name, 'unavailable', (error as Error)?.message ?? String(error), {
              cause: error,
            });
      record({
        provider: provider.name,
        outcome: failure.kind,
        reason: failure.message,
        code: failure.code,
        durationMs: elapsed(),
      });
      if (failure.kind === 'recipient') {
        return {
          outcome: 'recipient_refused',
          provider: provider.name,
          reason: failure.message,
          code: failure.code,
          attempts,
        };
      }
      if (failure.retryAfterMs !== null) {
        retryAfterMs =
          retryAfterMs === null ? failure.retryAfterMs : Math.min(retryAfterMs, failure.retryAfterMs);
      }
    }
  }
  return {
    outcome: 'all_failed',
    reason: attempts.map((a) => `${a.provider} ${a.outcome}${a.reason ? ` (${a.reason})` : ''}`).join('; '),
    retryAfterMs,
    attempts,
  };
};
