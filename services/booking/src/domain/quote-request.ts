import {
  LocalDate,
  LocalTime,
  type QuoteRequestDetails,
  SERVICE_TYPES,
  type ServiceType,
} from '@express-quote/contracts';
import { z } from 'zod';
import { normalisePhone } from './customer-contact.ts';
import { daysBetween, parisDate, parisInstant, toSchedule } from './schedule.ts';

/** The contracts' Address, with messages for the people filling the form. */
const AddressInput = z
  .object({
    street: z.string().trim().min(1, 'rue obligatoire').max(200),
    postcode: z.string().regex(/^\d{5}$/, 'code postal : 5 chiffres'),
    city: z.string().trim().min(1, 'ville obligatoire').max(100),
    country: z.string().length(2, 'pays : code ISO à 2 lettres').default('FR'),
  })
  .strict();

/** What `POST /api/quotes` accepts. Unknown fields are refused so a typo never silently changes a price. */
export const QuoteRequestInput = z
  .object({
    serviceType: z.enum(SERVICE_TYPES, {
      error: `type de service inconnu (attendu : ${SERVICE_TYPES.join(', ')})`,
    }),
    pickupAddress: AddressInput,
    deliveryAddress: AddressInput.nullish(),
    serviceDate: LocalDate,
    startTime: LocalTime,
    endTime: LocalTime,
    volumeM3: z.number().positive().max(500).nullish(),
    distanceKm: z.number().int().min(0).max(2_000).nullish(),
    options: z
      .object({
        pickupFloorsWithoutLift: z.number().int().min(0).max(30).default(0),
        deliveryFloorsWithoutLift: z.number().int().min(0).max(30).default(0),
        packing: z.boolean().default(false),
        disassembly: z.boolean().default(false),
      })
      .strict()
      .default({
        pickupFloorsWithoutLift: 0,
        deliveryFloorsWithoutLift: 0,
        packing: false,
        disassembly: false,
      }),
    insurance: z.boolean().default(false),
    customer: z
      .object({
        firstName: z.string().trim().min(1).max(100),
        lastName: z.string().trim().min(1).max(100),
        email: z.email(),
        phone: z.string().max(30).nullish(),
      })
      .strict()
      .nullish(),
  })
  .strict();
export type QuoteRequestInput = z.output<typeof QuoteRequestInput>;

export interface RequestIssue {
  readonly path: string;
  readonly message: string;
}

export interface QuoteRules {
  /** How far ahead a service may be booked. */
  readonly maxDaysAhead: number;
  /** Whether a French postcode exists (the postcode directory adapter). */
  readonly knownPostcode: (postcode: string) => boolean;
}

export type NormalisedRequest =
  | { readonly ok: true; readonly details: QuoteRequestDetails }
  | { readonly ok: false; readonly issues: readonly RequestIssue[] };

const WITH_DELIVERY: readonly ServiceType[] = ['MOVING', 'DELIVERY'];
const NEEDS_VOLUME: readonly ServiceType[] = ['MOVING', 'PACKING', 'CLEANING'];
const CARRIES_GOODS: readonly ServiceType[] = ['MOVING', 'DELIVERY'];

/**
 * The business rules of a quote request that a schema cannot express, checked against `now` (Europe/Paris). Every
 * broken rule is reported, not only the first, so a form can show them all.
 */
export const normaliseQuoteRequest = (
  input: QuoteRequestInput,
  now: Date,
  rules: QuoteRules,
): NormalisedRequest => {
  const issues: RequestIssue[] = [];
  const issue = (path: string, message: string) => issues.push({ path, message });
  const type = input.serviceType;
  const delivery = input.deliveryAddress ?? null;

  for (const [path, address] of [
    ['pickupAddress', input.pickupAddress],
    ['deliveryAddress', delivery],
  ] as const) {
    if (!address) continue;
    if (address.country !== 'FR') issue(`${path}.country`, 'seules les adresses en France sont desservies');
    else if (!rules.knownPostcode(address.postcode)) {
      issue(`${path}.postcode`, `code postal inconnu : ${address.postcode}`);
    }
  }
  if (WITH_DELIVERY.includes(type) && !delivery) {
    issue('deliveryAddress', `adresse de livraison obligatoire pour ${type}`);
  }
  if (!WITH_DELIVERY.includes(type) && delivery) {
    issue('deliveryAddress', `pas d'adresse de livraison pour ${type}`);
  }
  const distanceKm = input.distanceKm ?? null;
  if (WITH_DELIVERY.includes(type) && distanceKm === null) {
    issue('distanceKm', `distance en km obligatoire pour ${type}`);
  }
  if (!WITH_DELIVERY.includes(type) && distanceKm !== null) {
    issue('distanceKm', `pas de distance pour ${type} (une seule adresse)`);
  }
  const volumeM3 = input.volumeM3 ?? null;
  if (NEEDS_VOLUME.includes(type) && volumeM3 === null)
    issue('volumeM3', `volume en m³ obligatoire pour ${type}`);
  if (volumeM3 !== null && Math.abs(volumeM3 * 10 - Math.round(volumeM3 * 10)) > 1e-9) {
    issue('volumeM3', 'volume : une décimale au plus');
  }
  const options = input.options;
  if (!CARRIES_GOODS.includes(type)) {
    if (options.packing) issue('options.packing', `option emballage indisponible pour ${type}`);
    if (options.disassembly) issue('options.disassembly', `option démontage indisponible pour ${type}`);
    if (options.pickupFloorsWithoutLift > 0) {
      issue('options.pickupFloorsWithoutLift', `étages sans ascenseur sans objet pour ${type}`);
    }
  }
  if (!delivery && options.deliveryFloorsWithoutLift > 0) {
    issue('options.deliveryFloorsWithoutLift', 'étages à la livraison sans adresse de livraison');
  }
  if (options.packing && volumeM3 === null) issue('options.packing', "l'emballage est calculé sur le volume");

  let contact: QuoteRequestDetails['contact'] = null;
  if (input.customer) {
    const phone = input.customer.phone ? normalisePhone(input.customer.phone) : null;
    if (input.customer.phone && !phone) issue('customer.phone', 'numéro de téléphone invalide');
    contact = {
      firstName: input.customer.firstName,
      lastName: input.customer.lastName,
      email: input.customer.email.toLowerCase(),
      phone,
    };
  }

  if (input.endTime <= input.startTime) issue('endTime', "l'heure de fin doit être après l'heure de début");
  const startsAt = parisInstant(input.serviceDate, input.startTime);
  const today = parisDate(now);
  if (!startsAt) {
    issue('startTime', `${input.startTime} n'existe pas le ${input.serviceDate} (changement d'heure)`);
  } else if (input.serviceDate < today) {
    issue('serviceDate', `la date du service est passée (${input.serviceDate})`);
  } else if (startsAt.getTime() <= now.getTime()) {
    issue('startTime', "l'heure de début est passée");
  } else if (daysBetween(today, input.serviceDate) > rules.maxDaysAhead) {
    issue('serviceDate', `la date du service est à plus de ${rules.maxDaysAhead} jours`);
  }

  if (issues.length > 0 || !startsAt) return { ok: false, issues };
  return {
    ok: true,
    details: {
      serviceType: type,
      schedule: toSchedule(input.serviceDate, input.startTime, input.endTime, startsAt),
      addresses: { pickup: input.pickupAddress, delivery },
      volumeM3,
      distanceKm,
      options,
      insurance: { wanted: input.insurance },
      contact,
    },
  };
};
