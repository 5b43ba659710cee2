import { describe } from 'vitest';
import { type CustomerCommand, type CustomerEvent, customerDecider } from '../src/domain/customer.ts';
import { CUSTOMER, T0, T1 } from './fixtures.ts';
import { runDeciderCases } from './given-when-then.ts';

const { customerId, ...contact } = CUSTOMER;

const registered: CustomerEvent = {
  type: 'customer.registered',
  data: { customerId, ...contact, registeredAt: T0.toISOString() },
};
const register: CustomerCommand = {
  type: 'RegisterCustomer',
  data: { customerId, contact },
  metadata: { now: T0 },
};
const update = (over: Partial<typeof contact>): CustomerCommand => ({
  type: 'UpdateCustomerDetails',
  data: { contact: { ...contact, ...over } },
  metadata: { now: T1 },
});

describe('customer decider', () => {
  runDeciderCases(customerDecider, [
    { name: 'a new customer is registered', given: [], when: register, thenEvents: [registered] },
    {
      name: 'a customer is registered once',
      given: [registered],
      when: register,
      thenThrows: 'CUSTOMER_ALREADY_REGISTERED',
    },
    { name: 'same details: nothing to record', given: [registered], when: update({}), thenEvents: [] },
    {
      name: 'a checkout without phone keeps the known one',
      given: [registered],
      when: update({ phone: null }),
      thenEvents: [],
    },
    {
      name: 'a new phone and name are recorded',
      given: [registered],
      when: update({ phone: '+33700000000', lastName: 'Dupont-Martin' }),
      thenEvents: [
        {
          type: 'customer.details_updated',
          data: {
            customerId,
            firstName: 'Jean',
            lastName: 'Dupont-Martin',
            phone: '+33700000000',
            updatedAt: T1.toISOString(),
          },
        },
      ],
    },
    {
      name: 'details of an unknown customer are refused',
      given: [],
      when: update({}),
      thenThrows: 'CUSTOMER_NOT_FOUND',
    },
    {
      name: 'another e-mail is another customer',
      given: [registered],
      when: update({ email: 'someone@example.fr' }),
      thenThrows: 'CUSTOMER_EMAIL_MISMATCH',
    },
  ]);
});
