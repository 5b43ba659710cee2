export * from './delivery-harness.ts';
