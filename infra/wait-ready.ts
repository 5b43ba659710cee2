/**
 * Waits until NATS (with JetStream) and Postgres really answer, not merely until a port opens: a NATS without
 * `-js`, or a Postgres still running its init scripts, would only fail later, inside a test or a service.
 * Run by infra/up.sh with the project's Node 24:
 *   node infra/wait-ready.ts --nats URL --postgres URL [--create-database] [--smtp HOST:PORT]
 *        [--timeout SECONDS] [--nats-hint TEXT] [--postgres-hint TEXT]
 * Prints one line per dependency once it is ready; on timeout, what is missing and how to start it; exits 1.
 */
import { connect as tcpConnect } from 'node:net';
import { parseArgs } from 'node:util';
import { ensureDatabase, probeNats, probePostgres } from '../packages/service-kit/src/dependency-probes.ts';

const { values } = parseArgs({
  options: {
    nats: { type: 'string' },
    postgres: { type: 'string' },
    'create-database': { type: 'boolean', default: false },
    smtp: { type: 'string' },
    timeout: { type: 'string', default: '60' },
    'nats-hint': { type: 'string', default: '' },
    'postgres-hint': { type: 'string', default: '' },
    'smtp-hint': { type: 'string', default: '' },
  },
});

const timeoutMs = Number(values.timeout) * 1000;
const deadline = Date.now() + timeoutMs;

// Connection strings may hold a password: show them without it.
const safeUrl = (raw: string): string => {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparsable URL)';
  }
};

const reasonOf = (error: unknown): string => {
  const e = error as { code?: string; message?: string; errors?: unknown[] };
  if (e?.message === '' && Array.isArray(e.errors) && e.errors.length) return reasonOf(e.errors[0]);
  const message = e?.message || String(error);
  return e?.code && !message.includes(e.code) ? `${message} (${e.code})` : message;
};

const smtpGreeting = (target: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const [host = '127.0.0.1', port = '1025'] = target.split(':');
    const socket = tcpConnect({ host, port: Number(port), timeout: 2_000 });
    socket.once('data', (chunk) => {
      socket.end();
      const line = chunk.toString().split('\r\n', 1)[0] ?? '';
      line.startsWith('220') ? resolve(line) : reject(new Error(`unexpected greeting "${line}"`));
    });
    socket.once('timeout', () => socket.destroy(new Error('no SMTP greeting within 2 s')));
    socket.once('error', reject);
  });

interface Dependency {
  name: string;
  where: string;
  hint: string;
  probe: () => Promise<string>;
}

const dependencies: Dependency[] = [];
if (values.nats) {
  const url = values.nats;
  dependencies.push({
    name: 'NATS',
    where: url,
    hint: values['nats-hint'],
    probe: async () => {
      const info = await probeNats(url.split(',')[0]!.trim());
      return `nats-server ${info.serverVersion}, JetStream enabled (${info.streams} streams)`;
    },
  });
}
if (values.postgres) {
  const url = values.postgres;
  dependencies.push({
    name: 'Postgres',
    where: safeUrl(url),
    hint: values['postgres-hint'],
    probe: async () => {
      const created = values['create-database'] ? await ensureDatabase(url) : false;
      const info = await probePostgres(url);
      return `PostgreSQL ${info.serverVersion}, database "${info.database}"${created ? ' (created)' : ''}`;
    },
  });
}
if (values.smtp) {
  const target = values.smtp;
  dependencies.push({
    name: 'SMTP sink',
    where: target,
    hint: values['smtp-hint'],
    probe: () => smtpGreeting(target),
  });
}

const waitFor = async (dep: Dependency): Promise<boolean> => {
  let lastReason = 'not tried';
  let lastReport = Date.now();
  while (Date.now() < deadline) {
    try {
      const detail = await dep.probe();
      console.log(`infra: ${dep.name} ready at ${dep.where}: ${detail}`);
      return true;
    } catch (error) {
      lastReason = reasonOf(error);
    }
    if (Date.now() - lastReport >= 10_000) {
      console.log(`infra: still waiting for ${dep.name} at ${dep.where}: ${lastReason}`);
      lastReport = Date.now();
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  console.error(
    `infra: ${dep.name} is not ready after ${timeoutMs / 1000} s at ${dep.where}\n` +
      `       last error: ${lastReason}\n` +
      (dep.hint ? `       how to fix: ${dep.hint}\n` : ''),
  );
  return false;
};

const results = await Promise.all(dependencies.map(waitFor));
process.exit(results.every(Boolean) ? 0 : 1);
