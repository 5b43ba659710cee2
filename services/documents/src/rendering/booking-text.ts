import {
  type Address,
  type BookingConfirmed,
  type DataOf,
  SERVICE_TYPE_LABELS_FR,
  type ServiceType,
} from '@express-quote/contracts';
import { formatLocalDateLong, formatTimeWindow } from '../domain/paris-time.ts';

/** French phrasing of booking fields shared by the booking documents. */
export type BookingData = DataOf<typeof BookingConfirmed>;

export const serviceLabel = (serviceType: ServiceType): string => SERVICE_TYPE_LABELS_FR[serviceType];

export const formatAddress = (address: Address): string =>
  [address.street, `${address.postcode} ${address.city}`, address.country !== 'FR' ? address.country : null]
    .filter(Boolean)
    .join('\n');

export const customerFullName = (booking: BookingData): string =>
  `${booking.customer.firstName} ${booking.customer.lastName}`;

export const scheduleDate = (booking: Pick<BookingData, 'schedule'>): string =>
  formatLocalDateLong(booking.schedule.date);

export const scheduleWindow = (booking: Pick<BookingData, 'schedule'>): string =>
  formatTimeWindow(booking.schedule.startTime, booking.schedule.endTime);

/** Moving and delivery go from one address to another; packing and cleaning happen at one place. */
export const addressRows = (booking: BookingData): Array<[string, string]> =>
  booking.addresses.delivery
    ? [
        ['Adresse de départ', formatAddress(booking.addresses.pickup)],
        ["Adresse d'arrivée", formatAddress(booking.addresses.delivery)],
      ]
    : [["Adresse d'intervention", formatAddress(booking.addresses.pickup)]];

const formatVolume = (m3: number): string => `${String(m3).replace('.', ',')} m³`;

/** What was priced (volume, distance, options), when the event carries it (optional in BookingConfirmed). */
export const pricedDetailRows = (booking: BookingData): Array<[string, string]> => {
  const rows: Array<[string, string]> = [];
  if (booking.volumeM3 != null) rows.push(['Volume', formatVolume(booking.volumeM3)]);
  if (booking.distanceKm != null) rows.push(['Distance estimée', `${booking.distanceKm} km`]);
  const options = booking.options;
  if (options) {
    const chosen = [
      options.packing ? 'emballage' : null,
      options.disassembly ? 'démontage et remontage du mobilier' : null,
      options.pickupFloorsWithoutLift > 0
        ? `${options.pickupFloorsWithoutLift} étage(s) sans ascenseur au départ`
        : null,
      options.deliveryFloorsWithoutLift > 0
        ? `${options.deliveryFloorsWithoutLift} étage(s) sans ascenseur à l'arrivée`
        : null,
    ].filter((o): o is string => o !== null);
    const text = chosen.join(', ');
    rows.push(['Options', chosen.length ? text.charAt(0).toUpperCase() + text.slice(1) : 'Aucune']);
  }
  return rows;
};
