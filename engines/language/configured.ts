/**
 * The provider a deployment configured, from the environment (README §Configuration):
 *   QUARRY_GENERATIVE_PROVIDER = openai-compatible | llama-cpp | none (default none: extractive offline methods)
 *   QUARRY_GENERATIVE_PROVIDER = bedrock: AWS Bedrock Converse, QUARRY_GENERATIVE_MODEL = model id, AWS_REGION + AWS credentials
 *   QUARRY_GGUF_PATH           = a GGUF model file for llama-cpp (in process, CPU)
 *   QUARRY_GENERATIVE_URL      = e.g. http://127.0.0.1:11434/v1 (Ollama), http://127.0.0.1:8000/v1 (vLLM / llama.cpp)
 *   QUARRY_GENERATIVE_MODEL, QUARRY_GENERATIVE_API_KEY, QUARRY_GENERATIVE_TIMEOUT_MS
 */
import { BedrockConverseProvider } from './bedrock-converse.ts';
import { LlamaCppProvider } from './llama-cpp.ts';
import { OpenAiCompatibleProvider } from './openai-compatible.ts';
import type { GenerativeProvider } from './provider.ts';

/** one in-process model per process: loading a GGUF is expensive */
let cached: LlamaCppProvider | undefined;

export function configuredProvider(_config?: unknown, env: NodeJS.ProcessEnv = process.env): GenerativeProvider | null {
  const kind = (env.QUARRY_GENERATIVE_PROVIDER ?? 'none').toLowerCase();
  if (kind === 'none' || kind === '') return null;
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
    `unknown QUARRY_GENERATIVE_PROVIDER '${kind}' (supported: openai-compatible, bedrock, llama-cpp, none)`,
  );
}
