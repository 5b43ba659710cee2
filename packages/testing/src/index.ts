export * from './database.ts';
export * from './env.ts';
export * from './logger.ts';
export * from './nats.ts';
export * from './nats-server.ts';
export * from './ports.ts';
export * from './stack.ts';
export * from './wait.ts';
