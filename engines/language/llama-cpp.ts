/**
 * In-process generative provider: llama.cpp through node-llama-cpp (prebuilt, CPU) with a user-supplied GGUF
 * file. Loaded lazily on first use, so processes that never generate never load it. JSON-schema-constrained
 * output uses llama.cpp grammars (the model cannot produce anything else). One generation at a time per
 * model (a queue), each in a fresh context sequence so prompts do not leak into each other.
 */
import type { GenerateRequest, GenerateResponse, GenerativeProvider } from './provider.ts';

export interface LlamaCppOptions {
  modelPath: string;
  contextSize?: number;
  threads?: number;
}

type NodeLlama = typeof import('node-llama-cpp');

export class LlamaCppProvider implements GenerativeProvider {
  readonly name: string;
  private loaded?: Promise<{
    mod: NodeLlama;
    llama: import('node-llama-cpp').Llama;
    model: import('node-llama-cpp').LlamaModel;
  }>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: LlamaCppOptions) {
    this.name = `llama-cpp:${opts.modelPath.split('/').pop()}`;
  }

  private load() {
    this.loaded ??= (async () => {
      const mod = (await import('node-llama-cpp')) as NodeLlama;
      const llama = await mod.getLlama({ build: 'never', gpu: false, progressLogs: false });
      const model = await llama.loadModel({ modelPath: this.opts.modelPath });
      return { mod, llama, model };
    })();
    return this.loaded;
  }

  generate(req: GenerateRequest, signal?: AbortSignal): Promise<GenerateResponse> {
    const run = this.queue.then(() => this.run(req, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(req: GenerateRequest, signal?: AbortSignal): Promise<GenerateResponse> {
    const { mod, llama, model } = await this.load();
    const context = await model.createContext({
      contextSize: this.opts.contextSize ?? 2048,
      threads: this.opts.threads ?? 1,
    });
    try {
      const session = new mod.LlamaChatSession({
        contextSequence: context.getSequence(),
        ...(req.system ? { systemPrompt: req.system } : {}),
      });
      // biome-ignore lint/suspicious/noExplicitAny: node-llama-cpp types the schema generically
      const grammar = req.jsonSchema ? await llama.createGrammarForJsonSchema(req.jsonSchema as any) : undefined;
      const text = await session.prompt(req.prompt, {
        ...(grammar ? { grammar } : {}),
        maxTokens: req.maxTokens ?? 256,
        temperature: req.temperature ?? 0,
        ...(signal ? { signal } : {}),
      });
      let json: unknown;
      if (grammar) json = grammar.parse(text);
      return { text, ...(json !== undefined ? { json } : {}), model: this.name };
    } finally {
      await context.dispose();
    }
  }

  async dispose(): Promise<void> {
    if (!this.loaded) return;
    const { model } = await this.loaded;
    await model.dispose();
  }
}
