import { z } from 'zod';

/** One environment variable of a service, as documented in docs/deployment.md. */
export interface ConfigVariable {
  readonly name: string;
  readonly required: boolean;
  /** The default as it would be written in the environment (lists comma-separated); undefined when none. */
  readonly default: string | undefined;
  readonly description: string | undefined;
  readonly secret: boolean;
}

const formatDefault = (value: unknown): string | undefined => {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(String).join(',');
  return String(value);
};

interface Found {
  description?: string;
  secret: boolean;
  optional: boolean;
  default?: unknown;
  hasDefault: boolean;
}

/** Walks wrappers (default, optional, nullable, pipe) from the outside in; the outermost description wins. */
const inspect = (schema: z.ZodType): Found => {
  const found: Found = { secret: false, optional: false, hasDefault: false };
  let current: z.core.$ZodType | undefined = schema;
  while (current) {
    const meta = z.globalRegistry.get(current);
    if (meta?.description && found.description === undefined) found.description = meta.description;
    if (meta?.secret === true) found.secret = true;
    const def = current._zod.def as z.core.$ZodTypeDef & {
      innerType?: z.core.$ZodType;
      in?: z.core.$ZodType;
      defaultValue?: unknown;
    };
    switch (def.type) {
      case 'default':
      case 'prefault':
        if (!found.hasDefault) {
          found.hasDefault = true;
          found.default = def.defaultValue;
        }
        current = def.innerType;
        break;
      case 'optional':
        found.optional = true;
        current = def.innerType;
        break;
      case 'nullable':
      case 'readonly':
        current = def.innerType;
        break;
      case 'pipe':
        current = def.in;
        break;
      default:
        current = undefined;
    }
  }
  return found;
};

/** The variables a config schema reads, in declaration order, for generated documentation. */
export const describeConfig = (schema: z.ZodObject): ConfigVariable[] =>
  Object.entries(schema.shape).map(([name, field]) => {
    const found = inspect(field as z.ZodType);
    return {
      name,
      required: !found.optional && !found.hasDefault,
      // A secret's default would be printed in docs: never show it.
      default: found.secret ? undefined : formatDefault(found.default),
      description: found.description,
      secret: found.secret,
    };
  });
