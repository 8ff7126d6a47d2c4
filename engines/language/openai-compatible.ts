/**
 * A generative provider speaking the OpenAI chat-completions API: Ollama, vLLM, llama.cpp's server, LM Studio,
 * or OpenAI itself. JSON-schema-constrained output via `response_format: { type: 'json_schema' }` (servers that
 * only know `json_object` get that plus the schema in the prompt). Timeouts and retries with backoff; the
 * request rate is limited by the generative task queue's worker settings, not here.
 */
import type { GenerateRequest, GenerateResponse, GenerativeProvider } from './provider.ts';

export interface OpenAiCompatibleOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs?: number;
  retries?: number;
}

export class OpenAiCompatibleProvider implements GenerativeProvider {
  readonly name: string;
  constructor(private readonly opts: OpenAiCompatibleOptions) {
    this.name = `openai-compatible:${opts.model}`;
  }

  async generate(req: GenerateRequest, signal?: AbortSignal): Promise<GenerateResponse> {
    const messages = [
      ...(req.system ? [{ role: 'system', content: req.system }] : []),
      {
        role: 'user',
        content: req.jsonSchema
          ? `${req.prompt}\n\nAnswer with JSON only, following this JSON Schema:\n${JSON.stringify(req.jsonSchema)}`
          : req.prompt,
      },
    ];
    const body: Record<string, unknown> = {
      model: this.opts.model,
      messages,
      temperature: req.temperature ?? 0,
      ...(req.maxTokens ? { max_tokens: req.maxTokens } : {}),
      ...(req.jsonSchema
        ? {
            response_format: {
              type: 'json_schema',
              json_schema: { name: 'answer', schema: req.jsonSchema, strict: true },
            },
          }
        : {}),
    };
    const url = `${this.opts.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    const retries = this.opts.retries ?? 2;
    let lastError: unknown;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
      const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? 60_000);
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(this.opts.apiKey ? { authorization: `Bearer ${this.opts.apiKey}` } : {}),
          },
          body: JSON.stringify(body),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
        const text = await res.text();
        if (res.status === 400 && req.jsonSchema && body.response_format && /response_format|json_schema/i.test(text)) {
          // older servers: fall back to plain JSON mode
          body.response_format = { type: 'json_object' };
          continue;
        }
        if (res.status === 429 || res.status >= 500) {
          lastError = new Error(`provider ${url} answered ${res.status}: ${text.slice(0, 200)}`);
          continue;
        }
        if (!res.ok) throw new Error(`provider ${url} answered ${res.status}: ${text.slice(0, 200)}`);
        const data = JSON.parse(text) as { model?: string; choices?: { message?: { content?: string } }[] };
        const content = data.choices?.[0]?.message?.content ?? '';
        let json: unknown;
        if (req.jsonSchema) json = parseJsonAnswer(content);
        return { text: content, ...(json !== undefined ? { json } : {}), model: data.model ?? this.opts.model };
      } catch (e) {
        if (signal?.aborted) throw e;
        lastError = e;
        if (e instanceof Error && /answered 4\d\d/.test(e.message)) throw e;
      }
    }
    throw lastError instanceof Error ? lastError : new Error(String(lastError));
  }
}

/** The JSON object in a model's answer (tolerates ```json fences and text around it). */
export function parseJsonAnswer(content: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(content);
  const text = (fenced ? fenced[1] : content).trim();
  try {
    return JSON.parse(text);
  } catch {
    const start = text.indexOf('{');
    const end = text.lastIndexOf('}');
    if (start >= 0 && end > start) {
      try {
        return JSON.parse(text.slice(start, end + 1));
      } catch {
        /* fall through */
      }
    }
    return undefined;
  }
}
