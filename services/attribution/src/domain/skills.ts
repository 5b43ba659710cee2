import type { BookingConfirmed, DataOf } from '@express-quote/contracts';
import { z } from 'zod';

/** What a professional can do beyond the service type itself. */
export const SKILLS = ['PACKING', 'DISASSEMBLY', 'STAIRS', 'LARGE_VOLUME', 'FRAGILE_ITEMS', 'PIANO'] as const;
export const Skill = z.enum(SKILLS);
export type Skill = z.infer<typeof Skill>;

/** Floors climbed without a lift from which a team used to heavy carrying is required. */
export const STAIRS_FLOORS_THRESHOLD = 3;
/** Volume from which a large truck (and the crew for it) is required. */
export const LARGE_VOLUME_M3 = 40;

/**
 * The skills a booking needs, derived from what the customer ordered (seed 4.2: "filtrage par compétences et type
 * de service"). Sorted, without duplicates, so the same booking always asks the same question.
 */
export const requiredSkills = (booking: DataOf<typeof BookingConfirmed>): Skill[] => {
  const needed = new Set<Skill>();
  const options = booking.options;
  if (options?.packing && booking.serviceType !== 'PACKING') needed.add('PACKING');
  if (options?.disassembly) needed.add('DISASSEMBLY');
  if (
    options &&
    Math.max(options.pickupFloorsWithoutLift, options.deliveryFloorsWithoutLift) >= STAIRS_FLOORS_THRESHOLD
  ) {
    needed.add('STAIRS');
  }
  if ((booking.volumeM3 ?? 0) >= LARGE_VOLUME_M3) needed.add('LARGE_VOLUME');
  return [...needed].sort();
};
