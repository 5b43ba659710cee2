import type { z } from 'zod';

/** One variable that is missing or invalid, with the reason (never its value: it may be a secret). */
export interface ConfigProblem {
  readonly name: string;
  readonly reason: string;
}

/** Thrown by `loadConfig`; the message lists every bad variable, one per line, so one restart fixes them all. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[]) {
    const count = problems.length === 1 ? '1 variable' : `${problems.length} variables`;
    super(
      `invalid configuration (${count}):\n${problems.map((p) => `  - ${p.name}: ${p.reason}`).join('\n')}`,
    );
    this.problems = problems;
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

const describeIssue = (issue: z.core.$ZodIssue, rest: readonly PropertyKey[], unset: boolean): string => {
  if (rest.length === 0 && unset && issue.code === 'invalid_type') return 'required, not set';
  // Lists report which item is wrong ("item 2"), counted from 1 as a person reads the comma-separated value.
  const where = rest.map((k) => (typeof k === 'number' ? `item ${k + 1}` : String(k))).join('.');
  return where ? `${where}: ${issue.message}` : issue.message;
};

const collectProblems = (
  error: z.ZodError,
  input: Record<string, string | undefined>,
  order: readonly string[],
): ConfigProblem[] => {
  const reasons = new Map<string, string[]>();
  for (const issue of error.issues) {
    const [head, ...rest] = issue.path;
    const name = head === undefined ? '(configuration)' : String(head);
    const reason = describeIssue(issue, rest, head !== undefined && input[name] === undefined);
    const list = reasons.get(name) ?? [];
    if (!list.includes(reason)) list.push(reason);
    reasons.set(name, list);
  }
  const rank = (name: string) => {
    const i = order.indexOf(name);
    return i === -1 ? order.length : i;
  };
  return [...reasons.entries()]
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([name, list]) => ({ name, reason: list.join('; ') }));
};

/**
 * Parses the variables named by `schema` from `env`. An empty variable counts as unset (compose files and
 * `.env` templates often export `FOO=`), so its default applies. On failure throws a ConfigError naming
 * every missing or invalid variable.
 */
export const loadConfig = <S extends z.ZodObject>(schema: S, env: Env = process.env): z.output<S> => {
  const names = Object.keys(schema.shape);
  const input: Record<string, string | undefined> = {};
  for (const name of names) {
    const value = env[name];
    input[name] = value === undefined || value.trim() === '' ? undefined : value;
  }
  const result = schema.safeParse(input);
  if (!result.success) throw new ConfigError(collectProblems(result.error, input, names));
  return result.data;
};
