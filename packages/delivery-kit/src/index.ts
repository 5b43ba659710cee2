export * from './circuit-breaker.ts';
export * from './metrics.ts';
export * from './migrations.ts';
export * from './phone-number.ts';
export * from './retry-policy.ts';
export * from './status-events.ts';
export * from './template-errors.ts';
export * from './template-fields.ts';
