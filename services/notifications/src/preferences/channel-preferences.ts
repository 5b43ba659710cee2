import { sql } from 'kysely';
import type { NotificationsDb } from '../database.ts';
import {
  ChannelPreference,
  DEFAULT_CHANNEL_PREFERENCE,
  type PreferenceLookup,
  preferenceLookup,
} from '../domain/channel-preference.ts';

export interface StoredPreference {
  recipientKey: string;
  channel: ChannelPreference;
  /** False when nothing is stored: the default applies. */
  stored: boolean;
  updatedAt: string | null;
}

export const findPreference = async (
  db: NotificationsDb,
  recipientKey: string,
): Promise<StoredPreference> => {
  const row = await db
    .selectFrom('channel_preferences')
    .select(['preference', 'updated_at'])
    .where('recipient_key', '=', recipientKey)
    .executeTakeFirst();
  return row
    ? {
        recipientKey,
        channel: ChannelPreference.parse(row.preference),
        stored: true,
        updatedAt: row.updated_at.toISOString(),
      }
    : { recipientKey, channel: DEFAULT_CHANNEL_PREFERENCE, stored: false, updatedAt: null };
};

/** Preferences of several recipients at once (the scheduler's batch), defaulting the others. */
export const loadPreferences = async (
  db: NotificationsDb,
  recipientKeys: readonly string[],
): Promise<PreferenceLookup> => {
  const keys = [...new Set(recipientKeys)];
  if (keys.length === 0) return preferenceLookup(new Map());
  const rows = await db
    .selectFrom('channel_preferences')
    .select(['recipient_key', 'preference'])
    .where('recipient_key', 'in', keys)
    .execute();
  return preferenceLookup(new Map(rows.map((r) => [r.recipient_key, ChannelPreference.parse(r.preference)])));
};

export const putPreference = async (
  db: NotificationsDb,
  recipientKey: string,
  channel: ChannelPreference,
  now: Date,
): Promise<{ preference: StoredPreference; created: boolean }> => {
  const result = await db
    .insertInto('channel_preferences')
    .values({ recipient_key: recipientKey, preference: channel, updated_at: now })
    .onConflict((oc) => oc.column('recipient_key').doUpdateSet({ preference: channel, updated_at: now }))
    // xmax = 0 only on a freshly inserted row: insert and update told apart in one statement.
    .returning(sql<boolean>`(xmax = 0)`.as('created'))
    .executeTakeFirstOrThrow();
  return {
    preference: { recipientKey, channel, stored: true, updatedAt: now.toISOString() },
    created: result.created,
  };
};

export const deletePreference = async (db: NotificationsDb, recipientKey: string): Promise<boolean> => {
  const result = await db
    .deleteFrom('channel_preferences')
    .where('recipient_key', '=', recipientKey)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
};
