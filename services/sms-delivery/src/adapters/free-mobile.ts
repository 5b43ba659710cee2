import { request } from 'undici';
import { networkFailure, type OutgoingSms, type SmsProvider, SmsProviderError } from './sms-provider.ts';

export interface FreeMobileOptions {
  user: string;
  pass: string;
  /** The account owner's own number (E.164): the only phone Free Mobile's API can reach. */
  ownerPhone: string;
  /** https://smsapi.free-mobile.fr in production. */
  baseUrl: string;
}

// Free Mobile's "notifications par SMS" option: GET /sendmsg?user&pass&msg, to the subscriber's own phone only.
// 200 sent, 400 a parameter is missing, 402 too many SMS in a short time, 403 option not enabled or wrong
// credentials, 500 server error. No message id, no price (included in the plan), no delivery report.
export const createFreeMobileProvider = (options: FreeMobileOptions & { timeoutMs: number }): SmsProvider => {
  const endpoint = new URL('/sendmsg', options.baseUrl);
  return {
    name: 'free-mobile',
    // Only staff alerts to the owner: a customer must never depend on somebody's personal phone plan.
    canReach: (sms: OutgoingSms) => sms.recipientKind === 'staff' && sms.to === options.ownerPhone,
    async send(sms: OutgoingSms) {
      const url = new URL(endpoint);
      url.searchParams.set('user', options.user);
      url.searchParams.set('pass', options.pass);
      url.searchParams.set('msg', sms.text);
      let status: number;
      try {
        const response = await request(url, {
          method: 'GET',
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        status = response.statusCode;
        await response.body.dump();
      } catch (error) {
        throw networkFailure('free-mobile', error);
      }
      if (status === 200) {
        return {
          providerMessageId: `free-mobile:${sms.notificationId}`,
          costMicros: 0,
          providerStatus: 'sent',
        };
      }
      const what: Record<number, string> = {
        400: 'a parameter is missing',
        402: 'too many SMS sent in a short time',
        403: 'SMS notifications not enabled or wrong credentials',
        500: 'server error',
      };
      throw new SmsProviderError(
        'free-mobile',
        status === 400 ? 'rejected' : 'unavailable',
        `HTTP ${status}: ${what[status] ?? 'unexpected answer'}`,
        {
          httpStatus: status,
        },
      );
    },
  };
};
