// The example booking: what the site and Stripe send. Used by the demo and the end-to-end tests.
import { checkoutCompletedRequest } from '../../services/payments/src/stripe-simulator.ts';
import { LOCAL_SECRETS, type RunningSystem } from './system.ts';

/** The customer fills the form on the site; Stripe Checkout sends the same contact back in the session metadata. */
export const EXAMPLE_CUSTOMER = {
  firstName: 'Élodie',
  lastName: 'Martin',
  email: 'elodie.martin@example.fr',
  phone: '+33612345678',
};

export const exampleQuoteRequest = (now = new Date(), customer = EXAMPLE_CUSTOMER) => ({
  serviceType: 'MOVING',
  pickupAddress: { street: '12 rue des Lilas', postcode: '75011', city: 'Paris', country: 'FR' },
  deliveryAddress: { street: '3 avenue Jean Jaurès', postcode: '69007', city: 'Lyon', country: 'FR' },
  serviceDate: new Date(now.getTime() + 10 * 24 * 3600 * 1000).toISOString().slice(0, 10),
  startTime: '09:00',
  endTime: '12:00',
  volumeM3: 25,
  distanceKm: 465,
  options: { pickupFloorsWithoutLift: 2, packing: true },
  insurance: true,
  customer,
});

export interface CreatedQuote {
  temporaryId: string;
  price: { totalCents: number };
}

/** What the site does before Stripe Checkout: ask the booking service for a priced quote. */
export const createQuote = async (
  system: RunningSystem,
  body = exampleQuoteRequest(),
): Promise<CreatedQuote> => {
  const res = await fetch(`${system.url('booking')}/api/quotes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as CreatedQuote;
  if (!res.ok) throw new Error(`the booking API refused the quote: ${res.status} ${JSON.stringify(json)}`);
  return json;
};

/** What Stripe does once the customer paid: a signed checkout.session.completed to the gateway. */
export const payQuote = async (
  system: RunningSystem,
  quote: CreatedQuote,
  customer: typeof EXAMPLE_CUSTOMER = EXAMPLE_CUSTOMER,
  options: { follow?: boolean } = {},
): Promise<{
  stripeEventId: string;
  status: number;
  body: string;
  request: { headers: Record<string, string>; body: string };
}> => {
  const { event, request } = checkoutCompletedRequest(
    quote.temporaryId,
    LOCAL_SECRETS.STRIPE_WEBHOOK_SECRET,
    {
      amountCents: quote.price.totalCents,
      customer,
    },
  );
  const stripeEventId = String(event.id);
  if (options.follow ?? true) system.follow(stripeEventId);
  const res = await fetch(`${system.url('payments')}/api/webhooks/stripe`, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
  });
  return { stripeEventId, status: res.status, body: await res.text(), request };
};
