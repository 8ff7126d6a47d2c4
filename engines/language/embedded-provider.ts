/**
 * The embedded model behind the generative provider interface: prompts answered in this process by the GGUF
 * model setup installs (or QUARRY_GGUF_PATH), deterministic (greedy), JSON under the request's schema, and each
 * answer's values carrying the model's own probability.
 */
import { type EmbeddedModelOptions, embeddedModel } from './embedded-model.ts';
import type { GenerateRequest, GenerateResponse, GenerativeProvider } from './provider.ts';

export class EmbeddedProvider implements GenerativeProvider {
  readonly name: string;
  /** `kind` names the provider in outputs: `embedded` (setup's model) or `llama-cpp` (a GGUF file of the user's) */
  constructor(
    private readonly opts: EmbeddedModelOptions,
    kind = 'embedded',
  ) {
    this.name = `${kind}:${opts.modelPath
      .split('/')
      .pop()
      ?.replace(/\.gguf$/, '')}`;
  }

  /** `temperature` is not honoured: the embedded model always decodes greedily, so answers are repeatable. */
  async generate(req: GenerateRequest, signal?: AbortSignal): Promise<GenerateResponse> {
    const model = await embeddedModel(this.opts);
    // free text is JSON too: a string under the grammar, so every answer has token probabilities
    const schema = req.jsonSchema ?? { type: 'string' };
    const answer = await model.generateJson({
      ...(req.system ? { system: req.system } : {}),
      prompt: req.prompt,
      jsonSchema: schema,
      maxTokens: req.maxTokens ?? 512,
      ...(signal ? { signal } : {}),
    });
    return {
      text: req.jsonSchema ? answer.text : String(answer.json),
      ...(req.jsonSchema ? { json: answer.json } : {}),
      model: model.name,
      valueProbabilities: answer.values.map((v) => ({ pointer: v.pointer, probability: v.probability })),
    };
  }
}
