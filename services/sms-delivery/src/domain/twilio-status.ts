/** What a Twilio status callback means for the notification (the other statuses are steps before the outcome). */
export type TwilioReceipt =
  | { kind: 'delivered'; status: 'delivered' | 'read' }
  | { kind: 'undelivered'; reason: string; errorCode: string | null }
  | { kind: 'progress' };

// Error codes Twilio reports in callbacks (30003 unreachable handset, 30005 unknown destination, 30006 landline or
// unreachable carrier, 30007 filtered as spam, 30008 unknown error…), described for support.
const ERROR_TEXT: Readonly<Record<string, string>> = {
  '30003': 'handset unreachable',
  '30004': 'message blocked by the recipient',
  '30005': 'unknown destination handset',
  '30006': 'landline or unreachable carrier',
  '30007': 'filtered by the carrier',
  '30008': 'unknown error',
};

export const interpretTwilioStatus = (status: string, errorCode: string | null): TwilioReceipt => {
  switch (status) {
    case 'delivered':
      return { kind: 'delivered', status: 'delivered' };
    case 'read':
      return { kind: 'delivered', status: 'read' };
    case 'undelivered':
    case 'failed': {
      const code = errorCode && errorCode !== '0' ? errorCode : null;
      const text = code ? ERROR_TEXT[code] : undefined;
      return {
        kind: 'undelivered',
        reason: `twilio ${status}${code ? ` (error ${code}${text ? `: ${text}` : ''})` : ''}`,
        errorCode: code,
      };
    }
    default:
      return { kind: 'progress' };
  }
};
