/**
 * Configuration of the optional generative provider (engines/language/configured.ts builds it): none by
 * default (extractive offline methods), an OpenAI-compatible server (Ollama, vLLM, llama.cpp), AWS Bedrock
 * Converse, or a GGUF model in process. What a provider needs is checked here, at start-up. Pure.
 */
import { z } from 'zod';
import { kinds, section, variable } from './variables.ts';

export const GENERATIVE_PROVIDERS = ['auto', 'off', 'embedded', 'openai-compatible', 'bedrock', 'llama-cpp'] as const;
const aliases: Record<string, (typeof GENERATIVE_PROVIDERS)[number]> = {
  none: 'off',
  openai: 'openai-compatible',
  ollama: 'openai-compatible',
  vllm: 'openai-compatible',
  'bedrock-converse': 'bedrock',
  'node-llama-cpp': 'llama-cpp',
};

export const GenerativeConfig = section(
  'Generative provider',
  z
    .object({
      provider: variable(
        'QUARRY_GENERATIVE',
        z
          .string()
          .trim()
          .toLowerCase()
          .transform((v) => aliases[v] ?? v)
          .pipe(z.enum(GENERATIVE_PROVIDERS, { error: `expected one of ${GENERATIVE_PROVIDERS.join(', ')}` }))
          .default('auto'),
        '`embedded` (the GGUF model setup installs, in process), `openai-compatible` (also `openai`, `ollama`, `vllm`), `bedrock` (AWS Bedrock Converse; AWS region and credentials from the standard chain), `llama-cpp` (a GGUF file of your own, in process), `off` (also `none`: layout-only custom output, extractive summaries), or `auto`: `embedded` when setup installed the model, else `off`. The older name `QUARRY_GENERATIVE_PROVIDER` is read when this one is unset',
        { fallback: 'QUARRY_GENERATIVE_PROVIDER', shown: '`auto`' },
      ),
      url: variable(
        'QUARRY_GENERATIVE_URL',
        kinds.text().optional(),
        'the OpenAI-compatible base URL, e.g. `http://127.0.0.1:11434/v1` (Ollama); for Bedrock, an endpoint override',
      ),
      model: variable('QUARRY_GENERATIVE_MODEL', kinds.text().optional(), 'the model name (a model id for Bedrock)', {
        shown: '`default` (OpenAI-compatible); required for Bedrock',
      }),
      apiKey: variable(
        'QUARRY_GENERATIVE_API_KEY',
        kinds.text().optional(),
        'bearer key of the OpenAI-compatible server',
        {
          secret: true,
        },
      ),
      timeoutMs: variable(
        'QUARRY_GENERATIVE_TIMEOUT_MS',
        kinds.integer().optional(),
        'timeout of one provider call, in ms',
        {
          shown: "the provider's",
        },
      ),
      ggufPath: variable(
        'QUARRY_GGUF_PATH',
        kinds.text().optional(),
        'the GGUF model file of `llama-cpp` (required) or `embedded` (default: the one setup installs in `.models/llm/`)',
      ),
      threads: variable('QUARRY_LLM_THREADS', kinds.integer().default(2), 'CPU threads of the `embedded` model'),
    })
    .superRefine((g, ctx) => {
      const need = (field: 'url' | 'model' | 'ggufPath', env: string, example: string) => {
        if (!g[field])
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: `QUARRY_GENERATIVE=${g.provider} needs ${env} (${example})`,
          });
      };
      if (g.provider === 'openai-compatible') need('url', 'QUARRY_GENERATIVE_URL', 'e.g. http://127.0.0.1:11434/v1');
      if (g.provider === 'bedrock') need('model', 'QUARRY_GENERATIVE_MODEL', 'a Bedrock model id');
      if (g.provider === 'llama-cpp') need('ggufPath', 'QUARRY_GGUF_PATH', 'a .gguf model file');
    }),
  'optional; without one, summaries and inferred fields come from offline extractive methods ([docs/blueprints.md](docs/blueprints.md))',
);
