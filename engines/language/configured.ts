/**
 * The provider a deployment configured, from the environment (README §Configuration):
 *   QUARRY_GENERATIVE_PROVIDER = embedded | openai-compatible | bedrock | llama-cpp | off (default off, also `none`:
 *                                extractive offline methods)
 *   QUARRY_GENERATIVE_PROVIDER = embedded: the GGUF model setup installs, in this process (QUARRY_GGUF_PATH overrides
 *                                the file, QUARRY_LLM_THREADS the CPU threads, default 2)
 *   QUARRY_GENERATIVE_PROVIDER = bedrock: AWS Bedrock Converse, QUARRY_GENERATIVE_MODEL = model id, AWS_REGION + AWS credentials
 *   QUARRY_GGUF_PATH           = a GGUF model file for embedded (optional) or llama-cpp (required)
 *   QUARRY_GENERATIVE_URL      = e.g. http://127.0.0.1:11434/v1 (Ollama), http://127.0.0.1:8000/v1 (vLLM / llama.cpp)
 *   QUARRY_GENERATIVE_MODEL, QUARRY_GENERATIVE_API_KEY, QUARRY_GENERATIVE_TIMEOUT_MS
 */
import path from 'node:path';
import { BedrockConverseProvider } from './bedrock-converse.ts';
import { DEFAULT_MODEL_PATH } from './embedded-model.ts';
import { EmbeddedProvider } from './embedded-provider.ts';
import { LlamaCppProvider } from './llama-cpp.ts';
import { OpenAiCompatibleProvider } from './openai-compatible.ts';
import type { GenerativeProvider } from './provider.ts';

/** one in-process model per process: loading a GGUF is expensive (embedded-model.ts keeps one per file) */
let cached: LlamaCppProvider | undefined;

export function configuredProvider(_config?: unknown, env: NodeJS.ProcessEnv = process.env): GenerativeProvider | null {
  const kind = (env.QUARRY_GENERATIVE_PROVIDER ?? 'off').toLowerCase();
  if (kind === 'off' || kind === 'none' || kind === '') return null;
  if (kind === 'embedded') {
    const threads = env.QUARRY_LLM_THREADS ? Number.parseInt(env.QUARRY_LLM_THREADS, 10) : 2;
    if (!(threads >= 1))
      throw new Error(`QUARRY_LLM_THREADS must be a positive integer, not '${env.QUARRY_LLM_THREADS}'`);
    const modelPath = env.QUARRY_GGUF_PATH || path.join(env.QUARRY_ROOT ?? process.cwd(), DEFAULT_MODEL_PATH);
    return new EmbeddedProvider({ modelPath, threads });
  }
  if (kind === 'openai-compatible' || kind === 'openai' || kind === 'ollama' || kind === 'vllm') {
    const baseUrl = env.QUARRY_GENERATIVE_URL;
    if (!baseUrl)
      throw new Error(
        'QUARRY_GENERATIVE_PROVIDER=openai-compatible needs QUARRY_GENERATIVE_URL (e.g. http://127.0.0.1:11434/v1)',
      );
    return new OpenAiCompatibleProvider({
      baseUrl,
      model: env.QUARRY_GENERATIVE_MODEL ?? 'default',
      apiKey: env.QUARRY_GENERATIVE_API_KEY || undefined,
      timeoutMs: env.QUARRY_GENERATIVE_TIMEOUT_MS ? Number(env.QUARRY_GENERATIVE_TIMEOUT_MS) : undefined,
    });
  }
  if (kind === 'bedrock' || kind === 'bedrock-converse') {
    const modelId = env.QUARRY_GENERATIVE_MODEL;
    if (!modelId)
      throw new Error('QUARRY_GENERATIVE_PROVIDER=bedrock needs QUARRY_GENERATIVE_MODEL (a Bedrock model id)');
    return new BedrockConverseProvider({
      modelId,
      region: env.AWS_REGION,
      endpoint: env.QUARRY_GENERATIVE_URL || undefined,
      timeoutMs: env.QUARRY_GENERATIVE_TIMEOUT_MS ? Number(env.QUARRY_GENERATIVE_TIMEOUT_MS) : undefined,
    });
  }
  if (kind === 'llama-cpp' || kind === 'node-llama-cpp') {
    const modelPath = env.QUARRY_GGUF_PATH;
    if (!modelPath) throw new Error('QUARRY_GENERATIVE_PROVIDER=llama-cpp needs QUARRY_GGUF_PATH (a .gguf model file)');
    cached ??= new LlamaCppProvider({ modelPath });
    return cached;
  }
  throw new Error(
    `unknown QUARRY_GENERATIVE_PROVIDER '${kind}' (supported: embedded, openai-compatible, bedrock, llama-cpp, off)`,
  );
}
