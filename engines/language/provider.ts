/**
 * The generative provider interface shared by every modality's summaries and by blueprint shaping.
 * The embedded default is *no* provider: callers then use the extractive offline methods and say so.
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
}
export interface GenerativeProvider {
  /** e.g. `openai-compatible:llama3.2` — recorded in outputs so readers know what wrote a field */
  readonly name: string;
  generate(req: GenerateRequest, signal?: AbortSignal): Promise<GenerateResponse>;
}
