import { bookingConfirmationWhatsApp } from './booking-confirmation-whatsapp.ts';
import { bookingReminderWhatsApp } from './booking-reminder-whatsapp.ts';
import { missionReminderWhatsApp } from './mission-reminder-whatsapp.ts';
import { staffAlertWhatsApp } from './staff-alert-whatsapp.ts';
import type { WhatsAppTemplate } from './whatsapp-template.ts';

/** Every WhatsApp message this service can send, by the name the planner puts in `NotificationRequested.template`. */
export const WHATSAPP_TEMPLATES: readonly WhatsAppTemplate[] = [
  bookingConfirmationWhatsApp,
  bookingReminderWhatsApp,
  missionReminderWhatsApp,
  staffAlertWhatsApp,
] as readonly WhatsAppTemplate[];
