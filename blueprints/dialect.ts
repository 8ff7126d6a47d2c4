/**
 * BDA's blueprint dialect: a JSON-Schema (draft-07) document with BDA's extensions — `class`, `description`,
 * `definitions`, `properties` whose leaves carry `type`, `inferenceType` (explicit | inferred) and `instruction`;
 * lists (`array` of primitives), tables (`array` of `$ref` objects) and nested groups (`$ref` to an object).
 *
 * `parseBlueprint` turns the schema text into a small tree of fields, or throws a BlueprintSchemaError that
 * names the JSON pointer of the offending node and what is wrong with it. Pure: no I/O.
 */
import { z } from 'zod';
import { BdaError } from '../schemas/errors.ts';

export const BLUEPRINT_LIMITS = {
  schemaChars: 100_000,
  leafFields: 100,
  listLeafFields: 30,
  nameChars: 60,
  instructionChars: { DOCUMENT: 600, IMAGE: 500, AUDIO: 500, VIDEO: 500 },
  /** objects and arrays inside one another; a field group or table nests three or four */
  nesting: 64,
} as const;

/** How deeply objects and arrays nest in a JSON value, counted without recursion; stops counting past `limit`. */
function nestingOf(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > deepest) deepest = depth + 1;
    if (deepest > limit) return deepest;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

export type BlueprintModality = 'DOCUMENT' | 'IMAGE' | 'AUDIO' | 'VIDEO';
export type PrimitiveType = 'string' | 'number' | 'integer' | 'boolean';
export type InferenceType = 'explicit' | 'inferred';

interface FieldBase {
  name: string;
  /** JSON pointer of the property in the schema, e.g. `/properties/Total` */
  pointer: string;
  instruction: string;
}
export interface LeafField extends FieldBase {
  kind: 'leaf';
  type: PrimitiveType;
  inferenceType: InferenceType;
  enum?: (string | number | boolean)[];
  granularity?: string[];
}
export interface ListField extends FieldBase {
  kind: 'list';
  itemType: PrimitiveType;
  inferenceType: InferenceType;
}
export interface TableField extends FieldBase {
  kind: 'table';
  /** the definition the rows follow (`#/definitions/LINEITEM` → `LINEITEM`) */
  rowType: string;
  columns: Field[];
}
export interface GroupField extends FieldBase {
  kind: 'group';
  groupType: string;
  fields: Field[];
}
export type Field = LeafField | ListField | TableField | GroupField;

export interface Blueprint {
  class: string;
  description: string;
  fields: Field[];
  /** the schema as given (object), for echoing back through the control plane */
  schema: Record<string, unknown>;
  counts: { leafFields: number; listLeafFields: number };
}

/** A blueprint schema that BDA would refuse. `pointer` is a JSON pointer into the schema ('' = the root). */
export class BlueprintSchemaError extends BdaError {
  readonly pointer: string;
  readonly reason: string;
  constructor(pointer: string, reason: string) {
    super('ValidationException', `Invalid blueprint schema at '${pointer || '/'}': ${reason}`, [
      { name: pointer || '/', message: reason },
    ]);
    this.pointer = pointer;
    this.reason = reason;
  }
}

const escapePointer = (s: string | number) => String(s).replace(/~/g, '~0').replace(/\//g, '~1');
const ptr = (base: string, ...parts: (string | number)[]) => base + parts.map((p) => `/${escapePointer(p)}`).join('');

/** Runs a zod schema and turns its first issue into a BlueprintSchemaError at the issue's pointer. */
function check<T>(schema: z.ZodType<T>, value: unknown, pointer: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new BlueprintSchemaError(ptr(pointer, ...(issue.path as (string | number)[])), issue.message);
}

const Primitive = z.enum(['string', 'number', 'integer', 'boolean'], {
  error: (i) => `unknown type ${JSON.stringify(i.input)}: expected string, number, integer, boolean, array or object`,
});
/** BDA's older docs capitalise ("Explicit"); accept both, store lower case. */
const Inference = z
  .string({ error: 'inferenceType must be a string' })
  .transform((s) => s.toLowerCase())
  .pipe(z.enum(['explicit', 'inferred'], { error: 'inferenceType must be "explicit" or "inferred"' }));
const Text = (what: string) => z.string({ error: `${what} must be a string` });

const LeafNode = z
  .object({
    type: Primitive,
    inferenceType: Inference.optional(),
    instruction: Text('instruction').optional(),
    description: Text('description').optional(),
    enum: z.array(z.union([z.string(), z.number(), z.boolean()])).optional(),
    granularity: z.array(z.string()).optional(),
    format: z.string().optional(),
  })
  .passthrough();
const RefNode = z
  .object({
    $ref: z.string({ error: '$ref must be a string' }).regex(/^#\/definitions\/[^/]+$/, {
      message: '$ref must point into this schema as "#/definitions/<Name>"',
    }),
    instruction: Text('instruction').optional(),
    description: Text('description').optional(),
  })
  .passthrough();
const ArrayNode = z
  .object({
    type: z.literal('array'),
    inferenceType: Inference.optional(),
    instruction: Text('instruction').optional(),
    description: Text('description').optional(),
    items: z.record(z.string(), z.unknown(), { error: 'an array needs "items": a primitive type or a $ref' }),
    granularity: z.array(z.string()).optional(),
  })
  .passthrough();
const ObjectNode = z
  .object({
    type: z.literal('object').optional(),
    properties: z.record(z.string(), z.unknown(), { error: 'properties must be an object' }),
    instruction: Text('instruction').optional(),
    description: Text('description').optional(),
  })
  .passthrough();
const Root = z
  .object({
    $schema: z.string().optional(),
    class: Text('class').min(1, 'class must not be empty').optional(),
    description: Text('description').optional(),
    type: z.literal('object', { error: 'the root type must be "object"' }).optional(),
    definitions: z.record(z.string(), z.unknown(), { error: 'definitions must be an object' }).optional(),
    properties: z.record(z.string(), z.unknown(), { error: 'properties must be an object of fields' }),
  })
  .passthrough();

export interface ParseOptions {
  modality?: BlueprintModality;
  /** used as the class when the schema has none */
  name?: string;
}

/** Parses and validates a blueprint schema (text or object). Throws BlueprintSchemaError. */
export function parseBlueprint(schema: string | Record<string, unknown>, opts: ParseOptions = {}): Blueprint {
  let raw: unknown = schema;
  if (typeof schema === 'string') {
    if (schema.length > BLUEPRINT_LIMITS.schemaChars) {
      throw new BlueprintSchemaError(
        '',
        `schema is ${schema.length} characters; the limit is ${BLUEPRINT_LIMITS.schemaChars}`,
      );
    }
    try {
      raw = JSON.parse(schema);
    } catch (e) {
      throw new BlueprintSchemaError('', `schema is not valid JSON (${(e as Error).message})`);
    }
  }
  // before anything that recurses (JSON.stringify, zod, the field walk): a hostile depth is a reason, not a crash
  if (nestingOf(raw, BLUEPRINT_LIMITS.nesting) > BLUEPRINT_LIMITS.nesting) {
    throw new BlueprintSchemaError('', `schema nests objects and arrays more than ${BLUEPRINT_LIMITS.nesting} levels deep`);
  }
  if (typeof schema !== 'string') {
    const length = JSON.stringify(schema).length;
    if (length > BLUEPRINT_LIMITS.schemaChars) {
      throw new BlueprintSchemaError(
        '',
        `schema is ${length} characters; the limit is ${BLUEPRINT_LIMITS.schemaChars}`,
      );
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new BlueprintSchemaError('', 'schema must be a JSON object');
  }
  const root = check(Root, raw, '');
  const modality = opts.modality ?? 'DOCUMENT';
  const maxInstruction = BLUEPRINT_LIMITS.instructionChars[modality];
  const definitions = root.definitions ?? {};
  const counts = { leafFields: 0, listLeafFields: 0 };

  const checkName = (name: string, pointer: string) => {
    if (name.length === 0) throw new BlueprintSchemaError(pointer, 'field names must not be empty');
    if (name.length > BLUEPRINT_LIMITS.nameChars) {
      throw new BlueprintSchemaError(
        pointer,
        `field name is ${name.length} characters; the limit is ${BLUEPRINT_LIMITS.nameChars}`,
      );
    }
  };
  const instructionOf = (node: { instruction?: string; description?: string }, pointer: string) => {
    const text = node.instruction ?? node.description ?? '';
    if (text.length > maxInstruction) {
      throw new BlueprintSchemaError(
        ptr(pointer, node.instruction !== undefined ? 'instruction' : 'description'),
        `instruction is ${text.length} characters; the limit for ${modality} blueprints is ${maxInstruction}`,
      );
    }
    return text;
  };
  const countLeaf = (pointer: string, inList: boolean) => {
    counts.leafFields++;
    if (counts.leafFields > BLUEPRINT_LIMITS.leafFields) {
      throw new BlueprintSchemaError(pointer, `blueprint has more than ${BLUEPRINT_LIMITS.leafFields} leaf fields`);
    }
    if (inList) {
      counts.listLeafFields++;
      if (counts.listLeafFields > BLUEPRINT_LIMITS.listLeafFields) {
        throw new BlueprintSchemaError(
          pointer,
          `blueprint has more than ${BLUEPRINT_LIMITS.listLeafFields} list leaf fields`,
        );
      }
    }
  };
  const resolve = (ref: string, pointer: string, stack: string[]) => {
    const name = ref.slice('#/definitions/'.length).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!(name in definitions)) {
      throw new BlueprintSchemaError(
        ptr(pointer, '$ref'),
        `$ref "${ref}" names no definition (have: ${Object.keys(definitions).join(', ') || 'none'})`,
      );
    }
    if (stack.includes(name)) throw new BlueprintSchemaError(ptr(pointer, '$ref'), `$ref "${ref}" is circular`);
    const defPointer = ptr('', 'definitions', name);
    const def = check(ObjectNode, definitions[name], defPointer);
    return { name, def, defPointer };
  };

  const parseProps = (props: Record<string, unknown>, pointer: string, inList: boolean, stack: string[]): Field[] =>
    Object.entries(props).map(([name, node]) => parseField(name, node, ptr(pointer, name), inList, stack));

  const parseField = (name: string, node: unknown, pointer: string, inList: boolean, stack: string[]): Field => {
    checkName(name, pointer);
    if (typeof node !== 'object' || node === null || Array.isArray(node)) {
      throw new BlueprintSchemaError(pointer, 'a field must be an object with a "type" or a "$ref"');
    }
    const n = node as Record<string, unknown>;
    if ('$ref' in n) {
      const r = check(RefNode, n, pointer);
      const { name: groupType, def, defPointer } = resolve(r.$ref, pointer, stack);
      return {
        kind: 'group',
        name,
        pointer,
        groupType,
        instruction: instructionOf(r, pointer) || (def.instruction ?? def.description ?? ''),
        fields: parseProps(def.properties, ptr(defPointer, 'properties'), inList, [...stack, groupType]),
      };
    }
    if (n.type === undefined) throw new BlueprintSchemaError(pointer, 'a field needs a "type" or a "$ref"');
    if (n.type === 'array') {
      const a = check(ArrayNode, n, pointer);
      const itemsPointer = ptr(pointer, 'items');
      if ('$ref' in a.items) {
        const r = check(RefNode, a.items, itemsPointer);
        const { name: rowType, def, defPointer } = resolve(r.$ref, itemsPointer, stack);
        return {
          kind: 'table',
          name,
          pointer,
          rowType,
          instruction: instructionOf(a, pointer),
          columns: parseProps(def.properties, ptr(defPointer, 'properties'), true, [...stack, rowType]),
        };
      }
      if (a.items.type === 'array' || a.items.type === 'object') {
        throw new BlueprintSchemaError(
          ptr(itemsPointer, 'type'),
          'list items must be a primitive type; use a $ref for rows of a table',
        );
      }
      const item = check(LeafNode, a.items, itemsPointer);
      countLeaf(pointer, true);
      return {
        kind: 'list',
        name,
        pointer,
        itemType: item.type,
        inferenceType: a.inferenceType ?? item.inferenceType ?? 'explicit',
        instruction: instructionOf(a, pointer),
      };
    }
    if (n.type === 'object') {
      const o = check(ObjectNode, n, pointer);
      return {
        kind: 'group',
        name,
        pointer,
        groupType: name,
        instruction: instructionOf(o, pointer),
        fields: parseProps(o.properties, ptr(pointer, 'properties'), inList, stack),
      };
    }
    const leaf = check(LeafNode, n, pointer);
    countLeaf(pointer, inList);
    return {
      kind: 'leaf',
      name,
      pointer,
      type: leaf.type,
      inferenceType: leaf.inferenceType ?? 'explicit',
      instruction: instructionOf(leaf, pointer),
      ...(leaf.enum ? { enum: leaf.enum } : {}),
      ...(leaf.granularity ? { granularity: leaf.granularity } : {}),
    };
  };

  const fields = parseProps(root.properties, '/properties', false, []);
  if (fields.length === 0) throw new BlueprintSchemaError('/properties', 'a blueprint needs at least one field');
  // every definition must be valid even when no field uses it (BDA validates the whole document)
  for (const [name, def] of Object.entries(definitions)) check(ObjectNode, def, ptr('', 'definitions', name));
  return {
    class: root.class ?? opts.name ?? 'Document',
    description: root.description ?? '',
    fields,
    schema: raw as Record<string, unknown>,
    counts,
  };
}

/** Every leaf of a field tree with its path of names (tables and lists count once). */
export function leafPaths(
  fields: readonly Field[],
  prefix: string[] = [],
): { path: string[]; field: LeafField | ListField }[] {
  const out: { path: string[]; field: LeafField | ListField }[] = [];
  for (const f of fields) {
    if (f.kind === 'leaf' || f.kind === 'list') out.push({ path: [...prefix, f.name], field: f });
    else if (f.kind === 'group') out.push(...leafPaths(f.fields, [...prefix, f.name]));
    else out.push(...leafPaths(f.columns, [...prefix, f.name]));
  }
  return out;
}
