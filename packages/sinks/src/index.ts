export * from './mail-faults.ts';
export * from './mail-inbox-http.ts';
export * from './mail-sink.ts';
export * from './mail-store.ts';
