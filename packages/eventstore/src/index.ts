export type { AppendOptions, AppendResult } from './append.ts';
export type { CheckpointedReader, ReaderSettings } from './checkpointed-reader.ts';
export { loadCheckpoint, saveCheckpoint } from './checkpoints.ts';
export * from './decider.ts';
export * from './decider-spec.ts';
export * from './errors.ts';
export { eventStoreMigrations, migrateEventStore } from './migrations.ts';
export type { ReadStreamOptions } from './read.ts';
export * from './relay.ts';
export { registerRelayLagMetric } from './relay-lag-metric.ts';
export type { EventMetadata, EventStoreDatabase } from './schema.ts';
export { notifyChannel } from './schema.ts';
export * from './store.ts';
export {
  type Checkpoint,
  checkpointOf,
  comparePositions,
  type StoredEvent,
  toEnvelope,
} from './stored-event.ts';
export * from './subscription.ts';
