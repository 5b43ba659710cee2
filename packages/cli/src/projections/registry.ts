import { UsageError } from '../command.ts';
import { bookingsViewProjection } from './bookings-view.ts';
import { notificationStatusProjection } from './notification-status.ts';
import type { ProjectionDefinition } from './projection.ts';

export const PROJECTIONS: readonly ProjectionDefinition[] = [
  notificationStatusProjection,
  bookingsViewProjection,
];

export const projectionByName = (name: string, usage?: string): ProjectionDefinition => {
  const p = PROJECTIONS.find((x) => x.name === name);
  if (!p)
    throw new UsageError(
      `unknown projection "${name}" (known: ${PROJECTIONS.map((x) => x.name).join(', ')})`,
      usage,
    );
  return p;
};
