/**
 * The Message-ID header of a notification: the same on every attempt, so a message sent twice (crash between
 * the SMTP server's acceptance and our record) is recognisable downstream as one message.
 */
export const messageIdFor = (notificationId: string, domain: string): string =>
  `<${notificationId}@${domain}>`;

/** The domain part of a From address (`Express Quote <noreply@express-quote.com>` → `express-quote.com`). */
export const domainOfAddress = (from: string): string | null => {
  const match = /@([A-Za-z0-9.-]+\.[A-Za-z]{2,})>?\s*$/.exec(from.trim());
  return match?.[1] ? match[1].toLowerCase() : null;
};
