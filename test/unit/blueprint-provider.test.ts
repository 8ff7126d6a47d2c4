import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configuredProvider } from '../../engines/language/configured.ts';
import { parseJsonAnswer } from '../../engines/language/openai-compatible.ts';
import { loadConfig } from '../../schemas/config.ts';

/** the provider a process with this environment gets (an incomplete one fails at start-up, in loadConfig) */
const providerFor = (env: NodeJS.ProcessEnv, root?: string) => configuredProvider(loadConfig(env).generative, root);

describe('generative provider configuration (pure parts; no model server is available offline)', () => {
  it('defaults to the embedded model when setup installed it, else to none, and explains a missing URL', () => {
    const noModel = fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-no-model-'));
    expect(providerFor({}, noModel)).toBeNull();
    expect(providerFor({ QUARRY_GENERATIVE: 'auto', QUARRY_GGUF_PATH: path.join(noModel, 'none.gguf') })).toBeNull();
    const installed = path.join(noModel, 'installed.gguf');
    fs.writeFileSync(installed, '');
    expect(providerFor({ QUARRY_GGUF_PATH: installed })?.name).toBe('embedded:installed');
    fs.rmSync(noModel, { recursive: true });
    expect(() => providerFor({ QUARRY_GENERATIVE_PROVIDER: 'openai-compatible' })).toThrow(
      /QUARRY_GENERATIVE_URL/,
    );
    expect(
      providerFor({
        QUARRY_GENERATIVE_PROVIDER: 'ollama',
        QUARRY_GENERATIVE_URL: 'http://127.0.0.1:11434/v1',
        QUARRY_GENERATIVE_MODEL: 'llama3.2',
      })?.name,
    ).toBe('openai-compatible:llama3.2');
    expect(() => providerFor({ QUARRY_GENERATIVE_PROVIDER: 'magic' })).toThrow(
      /QUARRY_GENERATIVE_PROVIDER="magic": expected one of auto, off, embedded, openai-compatible, bedrock, llama-cpp/,
    );
  });
  it('turns off with `off` (or `none`) and selects the embedded model with `embedded`, loading nothing yet', () => {
    expect(providerFor({ QUARRY_GENERATIVE_PROVIDER: 'off' })).toBeNull();
    expect(providerFor({ QUARRY_GENERATIVE_PROVIDER: 'none' })).toBeNull();
    expect(providerFor({ QUARRY_GENERATIVE_PROVIDER: 'embedded' })?.name).toBe(
      'embedded:qwen2.5-coder-1.5b-instruct-q4_k_m',
    );
    expect(
      providerFor({ QUARRY_GENERATIVE_PROVIDER: 'embedded', QUARRY_GGUF_PATH: '/m/other.gguf' })
        ?.name,
    ).toBe('embedded:other');
    expect(() =>
      providerFor({ QUARRY_GENERATIVE_PROVIDER: 'embedded', QUARRY_LLM_THREADS: 'many' }),
    ).toThrow(/QUARRY_LLM_THREADS/);
  });
  it('reads the JSON object out of a model answer', () => {
    expect(parseJsonAnswer('{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonAnswer('Sure!\n```json\n{"a": [1, 2]}\n```')).toEqual({ a: [1, 2] });
    expect(parseJsonAnswer('The answer is {"b": null} as requested')).toEqual({ b: null });
    expect(parseJsonAnswer('no json')).toBeUndefined();
  });
});

import { converseInput, readConverseOutput } from '../../engines/language/bedrock-converse.ts';

describe('Bedrock Converse request/response mapping (pure; no AWS call offline)', () => {
  it('forces a tool call whose input schema is the requested JSON schema', () => {
    const input = converseInput('anthropic.claude-3-haiku', {
      system: 's',
      prompt: 'p',
      jsonSchema: { type: 'object' },
      maxTokens: 10,
    });
    expect(input.toolConfig?.toolChoice).toEqual({ tool: { name: 'answer' } });
    expect(input.system).toEqual([{ text: 's' }]);
    expect(
      readConverseOutput({
        output: {
          message: { role: 'assistant', content: [{ toolUse: { toolUseId: '1', name: 'answer', input: { a: 1 } } }] },
        },
      }).json,
    ).toEqual({ a: 1 });
  });
  it('is selected by QUARRY_GENERATIVE_PROVIDER=bedrock', () => {
    expect(
      providerFor({
        QUARRY_GENERATIVE_PROVIDER: 'bedrock',
        QUARRY_GENERATIVE_MODEL: 'm',
        AWS_REGION: 'us-east-1',
      })?.name,
    ).toBe('bedrock:m');
  });
});
