/**
 * The provider a deployment configured (README §Configuration; parsed in schemas/config/generative.ts):
 *   QUARRY_GENERATIVE_PROVIDER = openai-compatible | llama-cpp | none (default none: extractive offline methods)
 *   QUARRY_GENERATIVE_PROVIDER = bedrock: AWS Bedrock Converse, QUARRY_GENERATIVE_MODEL = model id, AWS_REGION + AWS credentials
 *   QUARRY_GGUF_PATH           = a GGUF model file for llama-cpp (in process, CPU)
 *   QUARRY_GENERATIVE_URL      = e.g. http://127.0.0.1:11434/v1 (Ollama), http://127.0.0.1:8000/v1 (vLLM / llama.cpp)
 *   QUARRY_GENERATIVE_MODEL, QUARRY_GENERATIVE_API_KEY, QUARRY_GENERATIVE_TIMEOUT_MS
 */
import type { QuarryConfig } from '../../schemas/config.ts';
import { BedrockConverseProvider } from './bedrock-converse.ts';
import { LlamaCppProvider } from './llama-cpp.ts';
import { OpenAiCompatibleProvider } from './openai-compatible.ts';
import type { GenerativeProvider } from './provider.ts';

/** one in-process model per process: loading a GGUF is expensive */
let cached: LlamaCppProvider | undefined;

/** The provider QuarryConfig `generative` names (validated at start-up: each kind's required variable is set). */
export function configuredProvider(g: QuarryConfig['generative']): GenerativeProvider | null {
  if (g.provider === 'none') return null;
  if (g.provider === 'openai-compatible') {
    if (!g.url) throw new Error('QUARRY_GENERATIVE_PROVIDER=openai-compatible needs QUARRY_GENERATIVE_URL');
    return new OpenAiCompatibleProvider({
      baseUrl: g.url,
      model: g.model ?? 'default',
      apiKey: g.apiKey,
      timeoutMs: g.timeoutMs,
    });
  }
  if (g.provider === 'bedrock') {
    if (!g.model) throw new Error('QUARRY_GENERATIVE_PROVIDER=bedrock needs QUARRY_GENERATIVE_MODEL');
    // region and credentials: the AWS SDK's standard chain (AWS_REGION, profiles, instance roles)
    return new BedrockConverseProvider({ modelId: g.model, endpoint: g.url, timeoutMs: g.timeoutMs });
  }
  if (!g.ggufPath) throw new Error('QUARRY_GENERATIVE_PROVIDER=llama-cpp needs QUARRY_GGUF_PATH');
  cached ??= new LlamaCppProvider({ modelPath: g.ggufPath });
  return cached;
}
