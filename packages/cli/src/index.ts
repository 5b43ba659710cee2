export { COMMANDS, globalUsage, runCli } from './cli.ts';
export type { Command, Context } from './command.ts';
export { CliError, UsageError } from './command.ts';
export type { Io, Output } from './io.ts';
export { applyBookingsView, bookingsViewProjection } from './projections/bookings-view.ts';
export { applyNotificationStatus, notificationStatusProjection } from './projections/notification-status.ts';
export { PROJECTIONS } from './projections/registry.ts';
export * from './stripe/webhook.ts';
