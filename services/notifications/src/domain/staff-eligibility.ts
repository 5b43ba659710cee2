import type { ServiceType } from '@express-quote/contracts';
import type { StaffMember, StaffRole } from './staff.ts';

/**
 * Why internal staff are told about a booking. Only PAYMENT_COMPLETED is emitted today (BookingConfirmed after a
 * Stripe payment); the others are the seed's other triggers, kept so the rule below stays explicit.
 */
export const STAFF_TRIGGERS = ['PAYMENT_COMPLETED', 'BOOKING_CONFIRMED', 'BOOKING_CANCELLED'] as const;
export type StaffTrigger = (typeof STAFF_TRIGGERS)[number];

// Stable order so that, when one address appears under several entries, the same entry always wins.
const ROLE_ORDER: Record<StaffRole, number> = {
  SERVICE_MANAGER: 0,
  OPERATIONS_MANAGER: 1,
  ADMIN: 2,
  ACCOUNTING: 3,
  CUSTOMER_SERVICE: 4,
};

const byRoleThenId = (a: StaffMember, b: StaffMember): number =>
  ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const dedupeByEmail = (members: readonly StaffMember[]): StaffMember[] => {
  const seen = new Set<string>();
  const kept: StaffMember[] = [];
  for (const m of [...members].sort(byRoleThenId)) {
    const key = m.email.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(m);
  }
  return kept;
};

const isEligible = (member: StaffMember, serviceType: ServiceType, trigger: StaffTrigger): boolean => {
  if (!member.active) return false;
  switch (member.role) {
    case 'SERVICE_MANAGER':
      return member.serviceTypes.includes(serviceType);
    case 'OPERATIONS_MANAGER':
    case 'ADMIN':
      return true;
    case 'ACCOUNTING':
      return trigger === 'PAYMENT_COMPLETED';
    case 'CUSTOMER_SERVICE':
      return false;
    default: {
      const unreachable: never = member.role;
      return unreachable;
    }
  }
};

/**
 * Seed step 4.1: the responsibles of the booking's service type, every OPERATIONS_MANAGER, every ADMIN, and
 * ACCOUNTING when the trigger is PAYMENT_COMPLETED; inactive entries excluded; one entry per e-mail address.
 */
export const eligibleStaff = (
  directory: readonly StaffMember[],
  booking: { serviceType: ServiceType },
  trigger: StaffTrigger,
): StaffMember[] => dedupeByEmail(directory.filter((m) => isEligible(m, booking.serviceType, trigger)));

/** Who must look at a problem with money: operations, admins and accounting (active, one per e-mail). */
export const paymentAlertStaff = (directory: readonly StaffMember[]): StaffMember[] =>
  dedupeByEmail(
    directory.filter(
      (m) => m.active && (m.role === 'OPERATIONS_MANAGER' || m.role === 'ADMIN' || m.role === 'ACCOUNTING'),
    ),
  );
