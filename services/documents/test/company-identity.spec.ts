import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@express-quote/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { companyIdentity, readLogo } from '../src/company-identity.ts';
import { DocumentsConfigSchema } from '../src/config.ts';

let dir: string;
const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eq-documents-logo-'));
  await writeFile(join(dir, 'logo.png'), PNG_1x1);
  await writeFile(join(dir, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const env = {
  NATS_URL: 'nats://127.0.0.1:4222',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  DOCUMENTS_URL_SECRET: 'a-secret-of-at-least-thirty-two-characters',
  COMPANY_NAME: 'Express Quote SAS',
  COMPANY_ADDRESS: '12 rue de la Paix, 75002 Paris',
  COMPANY_SIRET: '123 456 789 00012',
  COMPANY_VAT_NUMBER: 'fr 12 123456789',
};

describe('company identity from configuration', () => {
  it('normalises the legal identifiers and splits the address into printed lines', async () => {
    const company = await companyIdentity(loadConfig(DocumentsConfigSchema, env));
    expect(company).toMatchObject({
      name: 'Express Quote SAS',
      addressLines: ['12 rue de la Paix', '75002 Paris'],
      siret: '12345678900012',
      vatNumber: 'FR12123456789',
      logoDataUrl: undefined,
    });
  });

  it('names every missing or invalid company variable', () => {
    const error = (() => {
      try {
        loadConfig(DocumentsConfigSchema, {
          ...env,
          COMPANY_SIRET: '1234',
          COMPANY_NAME: undefined,
          DOCUMENTS_URL_SECRET: 'short',
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const names = (error as ConfigError).problems.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['COMPANY_SIRET', 'COMPANY_NAME', 'DOCUMENTS_URL_SECRET']));
    expect((error as ConfigError).message).not.toContain('short');
  });

  it('reads a PNG logo once as a data URL and refuses other files', async () => {
    expect(await readLogo(join(dir, 'logo.png'))).toBe(`data:image/png;base64,${PNG_1x1.toString('base64')}`);
    await expect(readLogo(join(dir, 'logo.svg'))).rejects.toThrow(/neither a PNG nor a JPEG/);
    await expect(readLogo(join(dir, 'missing.png'))).rejects.toThrow(/cannot read .*ENOENT/);
  });
});
