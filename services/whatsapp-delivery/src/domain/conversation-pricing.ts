import type { ConversationPricing } from '@express-quote/contracts';
import type { MessageStatus } from './webhook-payload.ts';

/**
 * Meta's status webhooks say which category a message was billed in (utility, marketing, authentication,
 * service) and whether it was billable, never the amount: the amount comes from the configured price table.
 */
export const pricingOf = (
  status: MessageStatus,
  priceMicros: Readonly<Record<string, number>>,
): ConversationPricing | null => {
  const category = status.pricing?.category ?? status.conversation?.origin?.type;
  if (!category) return null;
  const billable = status.pricing?.billable ?? true;
  return {
    category,
    billable,
    pricingModel: status.pricing?.pricing_model ?? null,
    costMicros: billable ? (priceMicros[category] ?? 0) : 0,
  };
};
