import { SERVICE_TYPES, type ServiceType } from '@express-quote/contracts';
import { describe, expect, it } from 'vitest';
import type { StaffRole } from '../src/domain/staff.ts';
import {
  eligibleStaff,
  paymentAlertStaff,
  STAFF_TRIGGERS,
  type StaffTrigger,
} from '../src/domain/staff-eligibility.ts';
import { DIRECTORY, member } from './fixtures.ts';

// Expected eligibility written out per role, trigger and service type (seed step 4.1). The SERVICE_MANAGER row is
// a manager responsible for MOVING and PACKING.
type Matrix = Record<StaffTrigger, Record<ServiceType, boolean>>;
const all = (value: boolean): Record<ServiceType, boolean> => ({
  MOVING: value,
  PACKING: value,
  CLEANING: value,
  DELIVERY: value,
});
const movingAndPacking = { MOVING: true, PACKING: true, CLEANING: false, DELIVERY: false };
const EXPECTED: Record<StaffRole, Matrix> = {
  SERVICE_MANAGER: {
    PAYMENT_COMPLETED: movingAndPacking,
    BOOKING_CONFIRMED: movingAndPacking,
    BOOKING_CANCELLED: movingAndPacking,
  },
  OPERATIONS_MANAGER: {
    PAYMENT_COMPLETED: all(true),
    BOOKING_CONFIRMED: all(true),
    BOOKING_CANCELLED: all(true),
  },
  ADMIN: { PAYMENT_COMPLETED: all(true), BOOKING_CONFIRMED: all(true), BOOKING_CANCELLED: all(true) },
  ACCOUNTING: { PAYMENT_COMPLETED: all(true), BOOKING_CONFIRMED: all(false), BOOKING_CANCELLED: all(false) },
  CUSTOMER_SERVICE: {
    PAYMENT_COMPLETED: all(false),
    BOOKING_CONFIRMED: all(false),
    BOOKING_CANCELLED: all(false),
  },
};

const cases = (Object.keys(EXPECTED) as StaffRole[]).flatMap((role) =>
  STAFF_TRIGGERS.flatMap((trigger) =>
    SERVICE_TYPES.map((serviceType) => ({
      role,
      trigger,
      serviceType,
      eligible: EXPECTED[role][trigger][serviceType],
    })),
  ),
);

describe('eligibleStaff', () => {
  it.each(cases)('$role, $trigger, $serviceType → $eligible', ({ role, trigger, serviceType, eligible }) => {
    const candidate = member({
      id: 'candidate',
      role,
      serviceTypes: role === 'SERVICE_MANAGER' ? ['MOVING', 'PACKING'] : [],
    });
    const result = eligibleStaff([candidate], { serviceType }, trigger);
    expect(result.map((m) => m.id)).toEqual(eligible ? ['candidate'] : []);
  });

  it('never selects an inactive member, whatever the role', () => {
    const inactive = (['SERVICE_MANAGER', 'OPERATIONS_MANAGER', 'ADMIN', 'ACCOUNTING'] as const).map((role) =>
      member({ id: `off-${role.toLowerCase()}`, role, serviceTypes: ['MOVING'], active: false }),
    );
    expect(eligibleStaff(inactive, { serviceType: 'MOVING' }, 'PAYMENT_COMPLETED')).toEqual([]);
  });

  it('ignores service types on roles other than SERVICE_MANAGER and gives a manager without types nothing', () => {
    const directory = [
      member({ id: 'no-types', role: 'SERVICE_MANAGER', serviceTypes: [] }),
      member({ id: 'support-moving', role: 'CUSTOMER_SERVICE', serviceTypes: ['MOVING'] }),
    ];
    expect(eligibleStaff(directory, { serviceType: 'MOVING' }, 'PAYMENT_COMPLETED')).toEqual([]);
  });

  it('sends one message per e-mail address (case-insensitive), keeping the same entry every time', () => {
    const directory = [
      member({ id: 'z-admin', role: 'ADMIN', email: 'Chef@Express-Quote.test' }),
      member({ id: 'a-ops', role: 'OPERATIONS_MANAGER', email: 'chef@express-quote.test' }),
      member({
        id: 'b-lead',
        role: 'SERVICE_MANAGER',
        serviceTypes: ['MOVING'],
        email: 'chef@express-quote.test',
      }),
      member({ id: 'compta', role: 'ACCOUNTING' }),
    ];
    const forward = eligibleStaff(directory, { serviceType: 'MOVING' }, 'PAYMENT_COMPLETED');
    const backward = eligibleStaff([...directory].reverse(), { serviceType: 'MOVING' }, 'PAYMENT_COMPLETED');
    expect(forward.map((m) => m.id)).toEqual(['b-lead', 'compta']);
    expect(backward).toEqual(forward);
  });

  it('selects the realistic directory for a paid MOVING booking', () => {
    const ids = eligibleStaff(DIRECTORY, { serviceType: 'MOVING' }, 'PAYMENT_COMPLETED').map((m) => m.id);
    expect(ids).toEqual(['moving-lead', 'ops', 'admin', 'compta']);
  });
});

describe('paymentAlertStaff', () => {
  it('is operations, admins and accounting, active only, never service managers or support', () => {
    const directory = [...DIRECTORY, member({ id: 'old-admin', role: 'ADMIN', active: false })];
    expect(paymentAlertStaff(directory).map((m) => m.id)).toEqual(['ops', 'admin', 'compta']);
  });
});
