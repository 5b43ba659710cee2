import type {
  CustomerContact,
  CustomerDetailsUpdated,
  CustomerRegistered,
  DataOf,
} from '@express-quote/contracts';
import type { Decider } from '@express-quote/eventstore';
import { DomainError } from './errors.ts';

export type CustomerEvent =
  | { type: 'customer.registered'; data: DataOf<typeof CustomerRegistered> }
  | { type: 'customer.details_updated'; data: DataOf<typeof CustomerDetailsUpdated> };

export type CustomerState =
  | { status: 'NONE' }
  | { status: 'REGISTERED'; customerId: string; contact: CustomerContact; registeredAt: string };

export type CustomerCommand =
  | {
      type: 'RegisterCustomer';
      data: { customerId: string; contact: CustomerContact };
      metadata: { now: Date };
    }
  | { type: 'UpdateCustomerDetails'; data: { contact: CustomerContact }; metadata: { now: Date } };

export type CustomerErrorCode =
  | 'CUSTOMER_ALREADY_REGISTERED'
  | 'CUSTOMER_NOT_FOUND'
  | 'CUSTOMER_EMAIL_MISMATCH';

export const initialCustomerState = (): CustomerState => ({ status: 'NONE' });

export const evolveCustomer = (state: CustomerState, event: CustomerEvent): CustomerState => {
  switch (event.type) {
    case 'customer.registered': {
      const { customerId, registeredAt, firstName, lastName, email, phone } = event.data;
      return {
        status: 'REGISTERED',
        customerId,
        registeredAt,
        contact: { firstName, lastName, email, phone },
      };
    }
    case 'customer.details_updated':
      if (state.status === 'NONE') return state;
      return {
        ...state,
        contact: {
          ...state.contact,
          firstName: event.data.firstName,
          lastName: event.data.lastName,
          phone: event.data.phone,
        },
      };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};

export const decideCustomer = (command: CustomerCommand, state: CustomerState): CustomerEvent[] => {
  const now = command.metadata.now.toISOString();
  switch (command.type) {
    case 'RegisterCustomer': {
      if (state.status !== 'NONE') {
        throw new DomainError<CustomerErrorCode>(
          'CUSTOMER_ALREADY_REGISTERED',
          `customer ${state.customerId} already registered`,
        );
      }
      return [
        {
          type: 'customer.registered',
          data: { customerId: command.data.customerId, ...command.data.contact, registeredAt: now },
        },
      ];
    }
    case 'UpdateCustomerDetails': {
      if (state.status === 'NONE') {
        throw new DomainError<CustomerErrorCode>('CUSTOMER_NOT_FOUND', 'no such customer');
      }
      const next = command.data.contact;
      if (next.email !== state.contact.email) {
        throw new DomainError<CustomerErrorCode>(
          'CUSTOMER_EMAIL_MISMATCH',
          `customer ${state.customerId} is identified by another e-mail`,
        );
      }
      // A checkout without a phone keeps the one we know rather than erasing it.
      const phone = next.phone ?? state.contact.phone;
      const current = state.contact;
      if (
        next.firstName === current.firstName &&
        next.lastName === current.lastName &&
        phone === current.phone
      ) {
        return [];
      }
      return [
        {
          type: 'customer.details_updated',
          data: {
            customerId: state.customerId,
            firstName: next.firstName,
            lastName: next.lastName,
            phone,
            updatedAt: now,
          },
        },
      ];
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
};

export const customerDecider: Decider<CustomerCommand, CustomerEvent, CustomerState> = {
  initialState: initialCustomerState,
  evolve: evolveCustomer,
  decide: decideCustomer,
};
