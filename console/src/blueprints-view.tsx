/**
 * Blueprints: the tenant's own (each stage) and the catalog; create one; view and edit one as JSON with its fields
 * listed; save a stage; promote DEVELOPMENT → LIVE. All through BDA's control plane.
 */
import { useEffect, useState } from 'preact/hooks';
import { control } from './api.ts';
import { addField, editField, type FieldSpec, LEAF_TYPES, removeField } from './schema-fields.ts';

interface Summary {
  blueprintArn: string;
  blueprintName: string;
  blueprintStage?: 'DEVELOPMENT' | 'LIVE';
  lastModifiedTime?: string;
}
interface Blueprint {
  blueprintArn: string;
  blueprintName: string;
  type: string;
  schema: string;
  blueprintStage?: 'DEVELOPMENT' | 'LIVE';
  lastModifiedTime?: string;
}

const TEMPLATE = {
  class: 'Letter',
  description: 'A letter: who wrote it, to whom, and when',
  properties: {
    sender: {
      type: 'string',
      inferenceType: 'explicit',
      instruction: 'The name of the person or company who wrote the letter',
    },
    date: { type: 'string', inferenceType: 'explicit', instruction: 'The date of the letter in YYYY-MM-DD' },
  },
};

const errorText = (e: unknown) => String((e as Error).message ?? e);

export function BlueprintsView() {
  const [own, setOwn] = useState<Summary[]>();
  const [catalog, setCatalog] = useState<Summary[]>([]);
  const [error, setError] = useState('');
  const [name, setName] = useState('');
  const [type, setType] = useState('DOCUMENT');
  const [schema, setSchema] = useState(JSON.stringify(TEMPLATE, null, 2));
  useEffect(() => {
    control<{ blueprints: Summary[] }>('POST', '/blueprints', {}).then(
      (r) => setOwn(r.blueprints),
      (e) => setError(errorText(e)),
    );
    control<{ blueprints: Summary[] }>('POST', '/blueprints', { resourceOwner: 'SERVICE' }).then(
      (r) => setCatalog(r.blueprints),
      () => {},
    );
  }, []);
  const create = async (e: Event) => {
    e.preventDefault();
    setError('');
    try {
      const r = await control<{ blueprint: Blueprint }>('PUT', '/blueprints', {
        blueprintName: name,
        type,
        blueprintStage: 'DEVELOPMENT',
        schema,
      });
      location.hash = `#/blueprints/${encodeURIComponent(r.blueprint.blueprintArn)}`;
    } catch (err) {
      setError(errorText(err));
    }
  };
  const byArn = new Map<string, Summary[]>();
  for (const b of own ?? []) byArn.set(b.blueprintArn, [...(byArn.get(b.blueprintArn) ?? []), b]);
  return (
    <section class="blueprints">
      <h1>Blueprints</h1>
      {error && <p class="error">{error}</p>}
      <table>
        <thead>
          <tr>
            <th>name</th>
            <th>stages</th>
            <th>modified</th>
          </tr>
        </thead>
        <tbody>
          {[...byArn.values()].map((stages) => (
            <tr data-blueprint={stages[0].blueprintName}>
              <td>
                <a href={`#/blueprints/${encodeURIComponent(stages[0].blueprintArn)}`}>{stages[0].blueprintName}</a>
              </td>
              <td>{stages.map((s) => s.blueprintStage).join(', ')}</td>
              <td>{stages[0].lastModifiedTime?.replace('T', ' ').slice(0, 19)}</td>
            </tr>
          ))}
          {own?.length === 0 && (
            <tr>
              <td colSpan={3}>none yet: create one below</td>
            </tr>
          )}
        </tbody>
      </table>
      <details>
        <summary>Catalog ({catalog.length})</summary>
        <ul>
          {catalog.map((c) => (
            <li>
              <code>{c.blueprintName}</code>
            </li>
          ))}
        </ul>
      </details>
      <form class="create" onSubmit={create}>
        <h2>New blueprint (DEVELOPMENT)</h2>
        <label>
          name{' '}
          <input
            name="blueprintName"
            required
            pattern="[a-zA-Z0-9_\-]+"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        <label>
          type{' '}
          <select name="type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
            {['DOCUMENT', 'IMAGE', 'AUDIO', 'VIDEO'].map((t) => (
              <option value={t}>{t}</option>
            ))}
          </select>
        </label>
        <textarea
          name="schema"
          rows={14}
          spellcheck={false}
          value={schema}
          onInput={(e) => setSchema(e.currentTarget.value)}
        />
        <FieldList schema={schema} onSchema={setSchema} />
        <button type="submit">Create</button>
      </form>
    </section>
  );
}

/**
 * The fields of a schema as a table (top-level properties), editable when `onSchema` is given: name, type,
 * explicit/inferred and instruction of each simple field; lists, tables and groups are edited in the JSON.
 */
function FieldList({ schema, onSchema }: { schema: string; onSchema?: (schema: string) => void }) {
  const [problem, setProblem] = useState('');
  let parsed: { properties?: Record<string, FieldSpec> };
  try {
    parsed = JSON.parse(schema);
  } catch (e) {
    return <p class="error">the schema is not valid JSON: {errorText(e)}</p>;
  }
  const change = (fn: () => string) => {
    try {
      onSchema?.(fn());
      setProblem('');
    } catch (e) {
      setProblem(errorText(e));
    }
  };
  const props = Object.entries(parsed.properties ?? {});
  const value = (e: Event) => (e.currentTarget as HTMLInputElement | HTMLSelectElement).value;
  return (
    <>
      <table class="schema-fields">
        <thead>
          <tr>
            <th>field</th>
            <th>type</th>
            <th>inference</th>
            <th>instruction</th>
            {onSchema && <th />}
          </tr>
        </thead>
        <tbody>
          {props.map(([k, p]) => {
            const leaf = !p.type || LEAF_TYPES.includes(p.type);
            const typeText = p.type === 'array' && p.items?.$ref ? `table of ${p.items.$ref.split('/').pop()}` : p.type;
            if (!onSchema || !leaf)
              return (
                <tr data-field={k}>
                  <td>{k}</td>
                  <td>{typeText}</td>
                  <td>{p.inferenceType ?? ''}</td>
                  <td>{p.instruction ?? ''}</td>
                  {onSchema && <td />}
                </tr>
              );
            return (
              <tr data-field={k} key={k}>
                <td>
                  <input
                    name="field-name"
                    value={k}
                    onChange={(e) => change(() => editField(schema, k, {}, value(e)))}
                  />
                </td>
                <td>
                  <select
                    name="field-type"
                    value={p.type ?? 'string'}
                    onChange={(e) => change(() => editField(schema, k, { type: value(e) }))}
                  >
                    {LEAF_TYPES.map((t) => (
                      <option value={t}>{t}</option>
                    ))}
                  </select>
                </td>
                <td>
                  <select
                    name="field-inference"
                    value={p.inferenceType ?? 'explicit'}
                    onChange={(e) => change(() => editField(schema, k, { inferenceType: value(e) }))}
                  >
                    <option value="explicit">explicit</option>
                    <option value="inferred">inferred</option>
                  </select>
                </td>
                <td>
                  <input
                    name="field-instruction"
                    value={p.instruction ?? ''}
                    onChange={(e) => change(() => editField(schema, k, { instruction: value(e) }))}
                  />
                </td>
                <td>
                  <button type="button" name="remove-field" onClick={() => change(() => removeField(schema, k))}>
                    remove
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {onSchema && (
        <button type="button" name="add-field" onClick={() => change(() => addField(schema))}>
          Add a field
        </button>
      )}
      {problem && <p class="error">{problem}</p>}
    </>
  );
}

export function BlueprintView({ arn }: { arn: string }) {
  const [stage, setStage] = useState<'DEVELOPMENT' | 'LIVE'>();
  const [stages, setStages] = useState<string[]>([]);
  const [bp, setBp] = useState<Blueprint>();
  const [schema, setSchema] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const path = `/blueprints/${encodeURIComponent(arn)}`;
  const load = async (want?: 'DEVELOPMENT' | 'LIVE') => {
    try {
      const list = await control<{ blueprints: Summary[] }>('POST', '/blueprints', { blueprintArn: arn });
      const have = list.blueprints.map((b) => b.blueprintStage ?? '');
      setStages(have);
      const s = want ?? (have.includes('DEVELOPMENT') ? 'DEVELOPMENT' : 'LIVE');
      const r = await control<{ blueprint: Blueprint }>('POST', path, { blueprintStage: s });
      setStage(s);
      setBp(r.blueprint);
      setSchema(JSON.stringify(JSON.parse(r.blueprint.schema), null, 2));
      setError('');
    } catch (e) {
      setError(errorText(e));
    }
  };
  useEffect(() => {
    void load();
  }, [arn]);
  const act = async (what: string, fn: () => Promise<unknown>, then?: 'DEVELOPMENT' | 'LIVE') => {
    setNote('');
    setError('');
    try {
      await fn();
      await load(then ?? stage);
      setNote(what);
    } catch (e) {
      setError(errorText(e));
    }
  };
  const save = () => act(`saved the ${stage} stage`, () => control('PUT', path, { schema, blueprintStage: stage }));
  const promote = () =>
    act(
      'promoted DEVELOPMENT → LIVE',
      () => control('PUT', `${path}/copy-stage`, { sourceStage: 'DEVELOPMENT', targetStage: 'LIVE' }),
      'LIVE',
    );
  return (
    <section class="blueprint">
      <p>
        <a href="#/blueprints">← Blueprints</a>
      </p>
      {error && <p class="error">{error}</p>}
      {bp && (
        <>
          <h1>
            {bp.blueprintName} <small>{bp.type}</small>
          </h1>
          <p>
            <code>{bp.blueprintArn}</code>
          </p>
          <p class="stages">
            stage{' '}
            {stages.map((s) => (
              <button
                type="button"
                class={s === stage ? 'active' : ''}
                data-stage={s}
                onClick={() => load(s as 'DEVELOPMENT' | 'LIVE')}
              >
                {s}
              </button>
            ))}{' '}
            <span data-testid="stage">{stage}</span> · modified {bp.lastModifiedTime?.replace('T', ' ').slice(0, 19)}
          </p>
          <textarea
            name="schema"
            rows={20}
            spellcheck={false}
            value={schema}
            onInput={(e) => setSchema(e.currentTarget.value)}
          />
          <FieldList schema={schema} onSchema={setSchema} />
          <p>
            <button type="button" name="save" onClick={save}>
              Save {stage}
            </button>{' '}
            {stages.includes('DEVELOPMENT') && (
              <button type="button" name="promote" onClick={promote}>
                Promote DEVELOPMENT → LIVE
              </button>
            )}{' '}
            <span class="note" data-testid="note">
              {note}
            </span>
          </p>
        </>
      )}
    </section>
  );
}
