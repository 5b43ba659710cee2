export * from './bookings.ts';
export * from './common.ts';
export * from './envelope.ts';
export * from './ids.ts';
export * from './payments.ts';
export * from './registry.ts';
export * from './streams.ts';
