/**
 * Editing a blueprint's top-level fields as a form: each change rewrites the schema's JSON, keeping the fields'
 * order and everything the form does not show (definitions, tables, other keys). Pure.
 */

export interface FieldSpec {
  type?: string;
  inferenceType?: string;
  instruction?: string;
  items?: { $ref?: string; type?: string };
  [other: string]: unknown;
}
type Schema = { properties?: Record<string, FieldSpec>; [other: string]: unknown };

/** The simple field types the form edits; lists, tables and groups are edited in the JSON. */
export const LEAF_TYPES = ['string', 'number', 'integer', 'boolean'];

const write = (s: Schema) => JSON.stringify(s, null, 2);

/** Changes field `name`: its spec (merged with `patch`) and, with `rename`, its name (in the same place). */
export function editField(schema: string, name: string, patch: Partial<FieldSpec>, rename?: string): string {
  const s = JSON.parse(schema) as Schema;
  const props = s.properties ?? {};
  const to = rename?.trim() || name;
  if (to !== name && to in props) throw new Error(`a field named '${to}' already exists`);
  s.properties = Object.fromEntries(
    Object.entries(props).map(([k, v]) => (k === name ? [to, { ...v, ...patch }] : [k, v])),
  );
  return write(s);
}

/** Adds a string field read from the document, named `field_<n>` (the first free n). */
export function addField(schema: string): string {
  const s = JSON.parse(schema) as Schema;
  const props = s.properties ?? {};
  let n = 1;
  while (`field_${n}` in props) n++;
  s.properties = { ...props, [`field_${n}`]: { type: 'string', inferenceType: 'explicit', instruction: '' } };
  return write(s);
}

export function removeField(schema: string, name: string): string {
  const s = JSON.parse(schema) as Schema;
  s.properties = Object.fromEntries(Object.entries(s.properties ?? {}).filter(([k]) => k !== name));
  return write(s);
}
