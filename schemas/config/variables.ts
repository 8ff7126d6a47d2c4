/**
 * How one configuration variable is declared: the zod schema of its value (parsed from the environment's
 * string), registered with the variable's name and one line of documentation. `listVariables` walks a
 * config schema and finds them all, in declaration order: the parser, the unknown-variable check and the
 * README table are all made from that one list. Pure.
 */
import { z } from 'zod';

export interface VariableMeta {
  /** the environment variable, e.g. QUARRY_DOC_MAX_PAGES */
  env: string;
  /** one line for the README's configuration table */
  doc: string;
  /** how the README shows the default when the schema has none or it depends on something else */
  shown?: string;
  /** read when `env` is unset (QUARRY_S3_REGION falls back to AWS_REGION) */
  fallback?: string;
  /** never echoed in errors or shown as a default */
  secret?: boolean;
}

export interface SectionMeta {
  title: string;
  doc?: string;
}

const variables = z.registry<VariableMeta>();
const sections = z.registry<SectionMeta>();

/** Declares a variable: `schema` parses its string value (unset and empty are `undefined`). */
export function variable<T extends z.ZodType>(
  env: string,
  schema: T,
  doc: string,
  more: Omit<VariableMeta, 'env' | 'doc'> = {},
): T {
  variables.add(schema, { env, doc, ...more });
  return schema;
}

/** Declares a section of the configuration (one table in the README). */
export function section<T extends z.ZodObject>(title: string, schema: T, doc?: string): T {
  sections.add(schema, { title, doc });
  return schema;
}

const expected = (what: string) => ({ error: `expected ${what}` });

/** Value kinds, each with an error that says what it expects. */
export const kinds = {
  integer(min = 1, max?: number) {
    const what =
      max !== undefined ? `an integer from ${min} to ${max}` : min === 1 ? 'a positive integer' : `an integer ≥ ${min}`;
    const n = z.coerce.number(expected(what)).int(expected(what)).min(min, expected(what));
    return max === undefined ? n : n.max(max, expected(what));
  },
  /** a finite number; `above` is exclusive, `atLeast` and `atMost` inclusive */
  number(bounds: { above?: number; atLeast?: number; atMost?: number } = {}) {
    const parts = [
      bounds.above !== undefined ? `> ${bounds.above}` : undefined,
      bounds.atLeast !== undefined ? `≥ ${bounds.atLeast}` : undefined,
      bounds.atMost !== undefined ? `≤ ${bounds.atMost}` : undefined,
    ].filter(Boolean);
    const what = parts.length ? `a number ${parts.join(' and ')}` : 'a number';
    let n = z.coerce.number(expected(what));
    if (bounds.above !== undefined) n = n.gt(bounds.above, expected(what));
    if (bounds.atLeast !== undefined) n = n.gte(bounds.atLeast, expected(what));
    if (bounds.atMost !== undefined) n = n.lte(bounds.atMost, expected(what));
    return n;
  },
  /** 1/0, true/false, yes/no, on/off (any case) */
  flag() {
    return z
      .string()
      .trim()
      .toLowerCase()
      .pipe(
        z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'], expected('1/0, true/false, yes/no or on/off')),
      )
      .transform((v) => v === '1' || v === 'true' || v === 'yes' || v === 'on');
  },
  /** one of `values`, any case */
  oneOf<const V extends readonly [string, ...string[]]>(values: V) {
    const what = `one of ${values.join(', ')}`;
    const byFolded = new Map(values.map((v) => [v.toLowerCase(), v]));
    return z
      .string()
      .trim()
      .transform((v) => byFolded.get(v.toLowerCase()) ?? v)
      .pipe(z.enum(values, expected(what)));
  },
  /** a comma-separated list; blanks dropped */
  list() {
    return z.string().transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
  },
  text() {
    return z.string();
  },
};

export interface ConfigVariable extends VariableMeta {
  /** where the value sits in the parsed config, e.g. ['documents', 'limits', 'maxPages'] */
  path: string[];
  schema: z.ZodType;
  /** the enclosing section's title */
  section: string;
}

/** Every variable of a config schema, in declaration order. */
export function listVariables(schema: z.ZodType, path: string[] = [], within = ''): ConfigVariable[] {
  const meta = variables.get(schema);
  if (meta) return [{ ...meta, path, schema, section: within }];
  const title = sections.get(schema)?.title ?? within;
  const def = schema._zod.def as {
    type: string;
    shape?: Record<string, z.ZodType>;
    in?: z.ZodType;
    innerType?: z.ZodType;
  };
  if (def.type === 'object' && def.shape)
    return Object.entries(def.shape).flatMap(([k, s]) => listVariables(s, [...path, k], title));
  if (def.type === 'pipe' && def.in) return listVariables(def.in, path, title);
  if ((def.type === 'optional' || def.type === 'default') && def.innerType)
    return listVariables(def.innerType, path, title);
  return [];
}

/** Every section of a config schema, in declaration order, with its documentation. */
export function listSections(schema: z.ZodType): SectionMeta[] {
  const out: SectionMeta[] = [];
  const visit = (s: z.ZodType) => {
    if (variables.get(s)) return;
    const meta = sections.get(s);
    if (meta) out.push(meta);
    const def = s._zod.def as { type: string; shape?: Record<string, z.ZodType>; in?: z.ZodType };
    if (def.type === 'object' && def.shape) for (const child of Object.values(def.shape)) visit(child);
    if (def.type === 'pipe' && def.in) visit(def.in);
  };
  visit(schema);
  return out;
}

/** The schema's own default of a variable (before any transform), or undefined. */
export function defaultOf(schema: z.ZodType): unknown {
  const def = schema._zod.def as { type: string; in?: z.ZodType; defaultValue?: unknown };
  if (def.type === 'default') return def.defaultValue;
  if (def.type === 'pipe' && def.in) return defaultOf(def.in);
  return undefined;
}
