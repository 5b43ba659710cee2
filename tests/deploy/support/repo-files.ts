import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { durationMs } from '@express-quote/service-kit';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../../../scripts/config-docs.ts';

export { REPO_ROOT };

export const repoPath = (...parts: string[]): string => join(REPO_ROOT, ...parts);
export const readRepoFile = (...parts: string[]): string => readFileSync(repoPath(...parts), 'utf8');
export const repoFileExists = (...parts: string[]): boolean => existsSync(repoPath(...parts));

/** YAML with merge keys (`<<: *anchor`), as docker compose reads it. */
export const readYaml = <T = unknown>(...parts: string[]): T =>
  parse(readRepoFile(...parts), { merge: true }) as T;

/** Every document of a multi-document YAML file (`---`), empty ones left out. */
export const readYamlDocuments = <T = unknown>(...parts: string[]): T[] =>
  parseAllDocuments(readRepoFile(...parts))
    .map((d) => d.toJS() as T)
    .filter((d) => d !== null && d !== undefined);

/** KEY=value lines of a dotenv file (kustomize `envs`, secrets examples); comments and blank lines skipped. */
export const parseEnvFile = (text: string): Map<string, string> => {
  const entries = new Map<string, string>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) throw new Error(`not KEY=value: ${trimmed}`);
    entries.set(trimmed.slice(0, eq), trimmed.slice(eq + 1));
  }
  return entries;
};

/** A duration as the services read it (`20s`, `1500`), in milliseconds. */
export const toMs = (raw: string): number => durationMs().parse(raw);
