import type { DestinationStream } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, maskEmail, maskPersonalData, maskPhone } from '../src/index.ts';

const capture = () => {
  const lines: string[] = [];
  const destination: DestinationStream = { write: (line: string) => void lines.push(line) };
  return { lines, destination, text: () => lines.join('') };
};

describe('maskEmail / maskPhone', () => {
  it.each([
    ['jean.dupont@example.fr', 'j***@example.fr'],
    ['A@b.co', 'A***@b.co'],
    ['no-at-sign', '***'],
  ])('maskEmail(%j) = %j', (input, masked) => {
    expect(maskEmail(input)).toBe(masked);
  });

  it.each([
    ['+33612345678', '+336******78'],
    ['+33 6 12 34 56 78', '+336******78'],
    ['06 12 34 56 78', '061*****78'],
    ['+1 415 555 2671', '+141******71'],
    ['1234', '****'],
  ])('maskPhone(%j) = %j', (input, masked) => {
    expect(maskPhone(input)).toBe(masked);
  });

  it('masks addresses and numbers inside text and leaves ids, dates and amounts alone', () => {
    const text =
      'mail to jean.dupont@example.fr, sms to +33612345678 or 06.12.34.56.78; booking 0190a3b2-0612-7345-8678-123456789012 ' +
      'at 2026-05-14T08:00:00.000Z for 123456 cents, sha 0612345678ab';
    expect(maskPersonalData(text)).toBe(
      'mail to j***@example.fr, sms to +336******78 or 061*****78; booking 0190a3b2-0612-7345-8678-123456789012 ' +
        'at 2026-05-14T08:00:00.000Z for 123456 cents, sha 0612345678ab',
    );
    expect(maskPersonalData(maskPersonalData(text))).toBe(maskPersonalData(text));
  });
});

describe('createLogger', () => {
  const CLEAR = [
    'jean.dupont@example.fr',
    '+33612345678',
    'marie.curie@example.org',
    '0698765432',
    'paul@example.com',
    'sk_live_secret',
    'Bearer eyJhbGciOi',
    'session=abc123',
    'hunter2',
    'whsec_123',
    'tok_nested',
    'pro@example.fr',
  ];

  it('never writes secrets, e-mail addresses or phone numbers in clear', () => {
    const out = capture();
    const logger = createLogger({ service: 'test', level: 'debug', destination: out.destination });
    logger.info(
      {
        customer: { email: 'jean.dupont@example.fr', phone: '+33612345678', firstName: 'Jean' },
        recipients: [{ email: 'marie.curie@example.org' }],
        apiKey: 'sk_live_secret',
        req: { method: 'POST', headers: { authorization: 'Bearer eyJhbGciOi', cookie: 'session=abc123' } },
        db: { password: 'hunter2' },
        stripe: { webhook: { secret: 'whsec_123' } },
        a: { b: { c: { token: 'tok_nested' } } },
        professional: { contact: { phoneNumber: '0698765432' } },
      },
      'notifying pro@example.fr',
    );
    logger.error({ err: new Error('duplicate key (email)=(paul@example.com)') }, 'insert failed');
    const text = out.text();
    for (const clear of CLEAR) expect(text, `${clear} leaked`).not.toContain(clear);

    const [first, second] = out.lines.map((l) => JSON.parse(l));
    expect(first).toMatchObject({
      level: 'info',
      service: 'test',
      msg: 'notifying p***@example.fr',
      customer: { email: 'j***@example.fr', phone: '+336******78', firstName: 'Jean' },
      apiKey: '[REDACTED]',
      req: { method: 'POST', headers: { authorization: '[REDACTED]', cookie: '[REDACTED]' } },
      db: { password: '[REDACTED]' },
      stripe: { webhook: { secret: '[REDACTED]' } },
      a: { b: { c: { token: '[REDACTED]' } } },
    });
    expect(second.err.message).toBe('duplicate key (email)=(p***@example.com)');
    expect(second.err.stack).not.toContain('paul@');
  });

  it('masks personal data in plain message arguments too', () => {
    const out = capture();
    const logger = createLogger({ service: 'test', destination: out.destination });
    logger.warn('bounce for %s (%s)', 'jean.dupont@example.fr', '+33612345678');
    expect(JSON.parse(out.lines[0]!).msg).toBe('bounce for j***@example.fr (+336******78)');
  });

  it('honours the level', () => {
    const out = capture();
    const logger = createLogger({ service: 'test', level: 'warn', destination: out.destination });
    logger.info('hidden');
    logger.warn('shown');
    expect(out.lines.map((l) => JSON.parse(l).msg)).toEqual(['shown']);
  });
});
