import type { z } from 'zod';

/** The command names a template this service does not have: never worth a retry. */
export class UnknownTemplateError extends Error {
  override readonly name = 'UnknownTemplateError';
}

/** The command's data does not fit the template: never worth a retry. The message names every bad field. */
export class TemplateDataError extends Error {
  override readonly name = 'TemplateDataError';
  readonly template: string;
  readonly problems: readonly string[];
  constructor(template: string, problems: readonly string[]) {
    super(`template ${template}: ${problems.join('; ')}`);
    this.template = template;
    this.problems = problems;
  }
}

/** One line per zod issue: "missing field x" when the field is absent, else "x: <reason>". Values never echoed. */
export const describeDataIssues = (data: unknown, error: z.ZodError): string[] =>
  error.issues.map((issue) => {
    const field = issue.path.length ? issue.path.map(String).join('.') : '(data)';
    let value: unknown = data;
    for (const key of issue.path) {
      value =
        value !== null && typeof value === 'object'
          ? (value as Record<PropertyKey, unknown>)[key]
          : undefined;
    }
    return value === undefined && issue.path.length ? `missing field ${field}` : `${field}: ${issue.message}`;
  });

/** Templates by name; a name defined twice is a programming error caught at start-up. */
export const indexTemplates = <T extends { readonly name: string }>(
  templates: readonly T[],
  channel: string,
): ReadonlyMap<string, T> => {
  const byName = new Map<string, T>();
  for (const template of templates) {
    if (byName.has(template.name)) throw new Error(`${channel} template ${template.name} defined twice`);
    byName.set(template.name, template);
  }
  return byName;
};

/** The template called `name`, or an UnknownTemplateError listing the known ones. */
export const templateNamed = <T>(templates: ReadonlyMap<string, T>, name: string, channel: string): T => {
  const template = templates.get(name);
  if (!template) {
    throw new UnknownTemplateError(
      `unknown ${channel} template "${name}" (known: ${[...templates.keys()].join(', ')})`,
    );
  }
  return template;
};
