import { bookingConfirmation } from './booking-confirmation.ts';
import { bookingReminder } from './booking-reminder.ts';
import type { EmailTemplate } from './email-template.ts';
import { externalProfessionalAttribution } from './external-professional-attribution.ts';
import { missionAssigned } from './mission-assigned.ts';
import { missionTaken } from './mission-taken.ts';
import { professionalAssigned } from './professional-assigned.ts';
import { professionalDocument } from './professional-document.ts';
import { staffAlert } from './staff-alert.ts';

/** Every template this service can send, by the name the planner puts in `NotificationRequested.template`. */
export const EMAIL_TEMPLATES: readonly EmailTemplate[] = [
  bookingConfirmation,
  professionalDocument,
  externalProfessionalAttribution,
  staffAlert,
  missionAssigned,
  missionTaken,
  bookingReminder,
  professionalAssigned,
] as readonly EmailTemplate[];
