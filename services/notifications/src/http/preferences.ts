import { type HttpApp, HttpError, maskPhone, validate } from '@express-quote/service-kit';
import { z } from 'zod';
import type { NotificationsDb } from '../database.ts';
import { ChannelPreference, PreferenceRecipientKey } from '../domain/channel-preference.ts';
import { deletePreference, findPreference, putPreference } from '../preferences/channel-preferences.ts';
import { requireBearer } from './admin-auth.ts';

const Params = z.object({
  recipientKey: z.string().pipe(PreferenceRecipientKey),
});
const Body = z.strictObject({ channel: ChannelPreference });

/**
 * Text channel preferences (SMS, WHATSAPP, BOTH) by phone number, behind the admin bearer token. A number with no
 * stored preference gets SMS. Used for the customer's texts planned or fired after the change.
 */
export const preferenceRoutes =
  (deps: { db: NotificationsDb; adminToken: string; now: () => Date }) => async (app: HttpApp) => {
    app.addHook('onRequest', requireBearer(deps.adminToken));

    app.get('/api/preferences/:recipientKey', async (request) => {
      const { recipientKey } = validate(Params, request.params, 'recipient key (an E.164 phone number)');
      return findPreference(deps.db, recipientKey);
    });

    app.put('/api/preferences/:recipientKey', async (request, reply) => {
      const { recipientKey } = validate(Params, request.params, 'recipient key (an E.164 phone number)');
      const { channel } = validate(Body, request.body, 'channel preference');
      const { preference, created } = await putPreference(deps.db, recipientKey, channel, deps.now());
      request.log.info(
        { recipientKey: maskPhone(recipientKey), channel, created },
        'channel preference saved',
      );
      return reply.code(created ? 201 : 200).send(preference);
    });

    app.delete('/api/preferences/:recipientKey', async (request, reply) => {
      const { recipientKey } = validate(Params, request.params, 'recipient key (an E.164 phone number)');
      if (!(await deletePreference(deps.db, recipientKey))) {
        throw new HttpError(404, 'not_found', 'no channel preference is stored for this recipient');
      }
      request.log.info({ recipientKey: maskPhone(recipientKey) }, 'channel preference removed (back to SMS)');
      return reply.code(204).send();
    });
  };
