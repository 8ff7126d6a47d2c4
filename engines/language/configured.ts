/**
 * The provider a deployment configured (README §Configuration; parsed in schemas/config/generative.ts):
 *   QUARRY_GENERATIVE (older name QUARRY_GENERATIVE_PROVIDER) = auto | embedded | openai-compatible | bedrock |
 *                                llama-cpp | off (`none` is the same: layout-only custom output, extractive
 *                                summaries); the default `auto` is `embedded` when setup installed the model, else off
 *   embedded: the GGUF model setup installs, in this process (QUARRY_GGUF_PATH overrides the file,
 *             QUARRY_LLM_THREADS the CPU threads, default 2)
 *   bedrock:  AWS Bedrock Converse, QUARRY_GENERATIVE_MODEL = model id, AWS_REGION + AWS credentials
 *   llama-cpp: QUARRY_GGUF_PATH = a GGUF model file (in process, CPU)
 *   openai-compatible: QUARRY_GENERATIVE_URL, e.g. http://127.0.0.1:11434/v1 (Ollama), http://127.0.0.1:8000/v1 (vLLM)
 *   QUARRY_GENERATIVE_MODEL, QUARRY_GENERATIVE_API_KEY, QUARRY_GENERATIVE_TIMEOUT_MS
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { QuarryConfig } from '../../schemas/config.ts';
import { BedrockConverseProvider } from './bedrock-converse.ts';
import { DEFAULT_MODEL_PATH } from './embedded-model.ts';
import { EmbeddedProvider } from './embedded-provider.ts';
import { OpenAiCompatibleProvider } from './openai-compatible.ts';
import type { GenerativeProvider } from './provider.ts';

/** The provider QuarryConfig `generative` names (validated at start-up: each kind's required variable is set). */
export function configuredProvider(g: QuarryConfig['generative'], root = process.cwd()): GenerativeProvider | null {
  if (g.provider === 'off') return null;
  if (g.provider === 'auto')
    return existsSync(g.ggufPath ?? path.join(root, DEFAULT_MODEL_PATH))
      ? configuredProvider({ ...g, provider: 'embedded' }, root)
      : null;
  if (g.provider === 'embedded')
    return new EmbeddedProvider({ modelPath: g.ggufPath ?? path.join(root, DEFAULT_MODEL_PATH), threads: g.threads });
  if (g.provider === 'openai-compatible') {
    if (!g.url) throw new Error('QUARRY_GENERATIVE=openai-compatible needs QUARRY_GENERATIVE_URL');
    return new OpenAiCompatibleProvider({
      baseUrl: g.url,
      model: g.model ?? 'default',
      apiKey: g.apiKey,
      timeoutMs: g.timeoutMs,
    });
  }
  if (g.provider === 'bedrock') {
    if (!g.model) throw new Error('QUARRY_GENERATIVE=bedrock needs QUARRY_GENERATIVE_MODEL');
    // region and credentials: the AWS SDK's standard chain (AWS_REGION, profiles, instance roles)
    return new BedrockConverseProvider({ modelId: g.model, endpoint: g.url, timeoutMs: g.timeoutMs });
  }
  if (!g.ggufPath) throw new Error('QUARRY_GENERATIVE=llama-cpp needs QUARRY_GGUF_PATH');
  // the same in-process engine as `embedded` (one loaded model per file per process), on the user's GGUF
  return new EmbeddedProvider({ modelPath: g.ggufPath, threads: g.threads }, 'llama-cpp');
}
