/**
 * The generative provider interface shared by every modality's summaries and by blueprint shaping.
 * With no provider configured callers use the extractive offline methods and say so; `embedded` runs the GGUF
 * model setup installs in this process.
 */
export interface GenerateRequest {
  system?: string;
  prompt: string;
  /** JSON Schema the answer must follow; the provider returns the parsed value in `json`. */
  jsonSchema?: Record<string, unknown>;
  maxTokens?: number;
  temperature?: number;
}
export interface GenerateResponse {
  text: string;
  json?: unknown;
  model: string;
  /**
   * The model's own probability of each leaf value of `json` (by JSON pointer), from its token probabilities;
   * only providers that see them (the embedded model) fill this.
   */
  valueProbabilities?: { pointer: string; probability: number }[];
}
export interface GenerativeProvider {
  /** e.g. `openai-compatible:llama3.2` — recorded in outputs so readers know what wrote a field */
  readonly name: string;
  generate(req: GenerateRequest, signal?: AbortSignal): Promise<GenerateResponse>;
}
