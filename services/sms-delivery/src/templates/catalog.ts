import { bookingConfirmationSms } from './booking-confirmation-sms.ts';
import { bookingReminderSms } from './booking-reminder-sms.ts';
import { missionReminderSms } from './mission-reminder-sms.ts';
import type { SmsTemplate } from './sms-template.ts';
import { staffAlertSms } from './staff-alert-sms.ts';

/** Every SMS this service can send, by the name the planner puts in `NotificationRequested.template`. */
export const SMS_TEMPLATES: readonly SmsTemplate[] = [
  bookingConfirmationSms,
  bookingReminderSms,
  missionReminderSms,
  staffAlertSms,
] as readonly SmsTemplate[];
