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
