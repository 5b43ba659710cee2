export * from './migrations.ts';
export * from './phone-number.ts';
export * from './retry-policy.ts';
export * from './template-errors.ts';
export * from './template-fields.ts';
