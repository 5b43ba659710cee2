import { createTestDatabase, testDatabaseUrl, testNatsUrl } from '@express-quote/testing';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createHttpApp,
  createLogger,
  ensureDatabase,
  natsReadiness,
  pgReadiness,
  probeNats,
  probePostgres,
} from '../src/index.ts';
import { freePort, startPlainNatsServer } from './support/plain-nats-server.ts';

const logger = createLogger({ service: 'readiness-test', level: 'silent' });

describe('natsReadiness', () => {
  it('passes on an open connection with JetStream and fails once it is closed', async () => {
    const nc = await connect({ servers: testNatsUrl() });
    const check = natsReadiness(nc);
    await expect(check()).resolves.toBeUndefined();
    await nc.close();
    await expect(check()).rejects.toThrow('NATS connection is closed');
  });

  it('fails on a server without JetStream', async () => {
    const server = await startPlainNatsServer();
    try {
      const nc = await connect({ servers: server.url });
      await expect(natsReadiness(nc)()).rejects.toThrow(/jetstream/i);
      await nc.close();
    } finally {
      await server.stop();
    }
  });
});

describe('pgReadiness', () => {
  it('passes while the pool works and fails once it is destroyed', async () => {
    const tdb = await createTestDatabase();
    const check = pgReadiness(tdb.db);
    await expect(check()).resolves.toBeUndefined();
    await tdb.drop();
    await expect(check()).rejects.toThrow();
  });
});

describe('/readyz with real dependencies', () => {
  it('turns 503 naming NATS when its connection closes, while Postgres stays ok', async () => {
    const nc = await connect({ servers: testNatsUrl() });
    const tdb = await createTestDatabase();
    const app = createHttpApp({
      logger,
      registry: new Registry(),
      readiness: { nats: natsReadiness(nc), postgres: pgReadiness(tdb.db) },
    });
    try {
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({ status: 'ready', checks: { nats: 'ok', postgres: 'ok' } });
      await nc.close();
      const notReady = await app.inject({ method: 'GET', url: '/readyz' });
      expect(notReady.statusCode).toBe(503);
      expect(notReady.json()).toEqual({
        status: 'not_ready',
        checks: { nats: 'NATS connection is closed', postgres: 'ok' },
      });
    } finally {
      await app.close();
      await tdb.drop();
    }
  });
});

describe('dependency probes', () => {
  const created: string[] = [];
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    for (const name of created) await admin.query(`drop database if exists ${admin.escapeIdentifier(name)}`);
    await admin.end();
  });

  it('probeNats reports the server version when JetStream answers', async () => {
    const info = await probeNats(testNatsUrl());
    expect(info.serverVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.streams).toBeGreaterThanOrEqual(0);
  });

  it('probeNats fails on a dead port and on a server without JetStream', async () => {
    await expect(probeNats(`nats://127.0.0.1:${await freePort()}`)).rejects.toThrow();
    const server = await startPlainNatsServer();
    try {
      await expect(probeNats(server.url)).rejects.toThrow(/jetstream/i);
    } finally {
      await server.stop();
    }
  });

  it('probePostgres reports the server version and database', async () => {
    const tdb = await createTestDatabase();
    try {
      const info = await probePostgres(tdb.url);
      expect(info.database).toBe(tdb.name);
      expect(info.serverVersion).toMatch(/^\d+/);
    } finally {
      await tdb.drop();
    }
  });

  it('ensureDatabase creates a missing database once', async () => {
    const name = `eqprobe_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    created.push(name);
    const url = new URL(testDatabaseUrl());
    url.pathname = `/${name}`;
    expect(await ensureDatabase(url.toString())).toBe(true);
    expect(await ensureDatabase(url.toString())).toBe(false);
    expect((await probePostgres(url.toString())).database).toBe(name);
  });
});
