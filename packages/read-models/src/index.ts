export {
  applyToView,
  BOOKING_VIEW_EVENTS,
  type BookingView,
  type BookingViewEvent,
  type PlaceView,
} from './booking-view.ts';
export {
  deriveStatus,
  emptyFacts,
  isStatusEventType,
  mergeFact,
  NOTIFICATION_STATUSES,
  type NotificationFacts,
  type NotificationStatus,
  type NotificationStatusView,
  notificationIdOf,
  type StatusEvent,
} from './notification-status.ts';
