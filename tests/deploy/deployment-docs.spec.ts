import { describe, expect, it } from 'vitest';
import {
  commonVariables,
  DEPLOYMENT_DOC,
  generateDeploymentDoc,
  loadServiceConfigs,
  serviceFolders,
} from '../../scripts/config-docs.ts';
import { readRepoFile } from './support/repo-files.ts';

describe('docs/deployment.md', () => {
  it('is what `make docs` generates from the config schemas (run it after changing a config.ts)', async () => {
    const generated = await generateDeploymentDoc();
    const committed = readRepoFile(DEPLOYMENT_DOC);
    // One readable line instead of a 400-line diff when it is only stale.
    expect(committed === generated, `${DEPLOYMENT_DOC} is stale: run \`make docs\``).toBe(true);
  });

  it('documents every variable of every service, with its default and whether it is required', async () => {
    const configs = await loadServiceConfigs();
    expect(configs.map((c) => c.service)).toEqual(serviceFolders());
    const doc = await generateDeploymentDoc();
    const common = new Set(commonVariables(configs).map((v) => v.name));
    expect(common).toContain('NATS_URL');
    expect(common).toContain('DATABASE_URL');
    for (const { service, variables } of configs) {
      expect(doc).toContain(`### ${service}\n`);
      const section = doc.slice(doc.indexOf(`### ${service}\n`)).split('\n### ')[0]!;
      for (const v of variables.filter((v) => !common.has(v.name))) {
        const row = section.split('\n').find((l) => l.startsWith(`| \`${v.name}\` |`));
        expect(row, `${service}: ${v.name}`).toBeDefined();
        expect(row).toContain(v.required ? '| **yes** |' : '| no |');
        if (v.default !== undefined && !v.secret) expect(row).toContain(`\`${v.default || '""'}\``);
      }
    }
  });

  it('never prints a secret default, a machine path or an unreadable value', async () => {
    const doc = await generateDeploymentDoc();
    expect(doc).not.toContain('[object Object]');
    expect(doc).not.toMatch(/\/(work|home|root|tmp)\//);
    const configs = await loadServiceConfigs();
    for (const v of configs.flatMap((c) => c.variables).filter((v) => v.secret)) {
      expect(v.default).toBeUndefined();
    }
  });
});
