/**
 * AWS Bedrock Converse as a generative provider (for users who may call AWS). JSON-schema-constrained output
 * through a forced tool call whose input schema is the requested schema. Timeouts and retries come from the
 * AWS SDK client (`maxAttempts`, request timeout); credentials and region from the usual AWS environment.
 */
import {
  BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
  type ConverseCommandOutput,
} from '@aws-sdk/client-bedrock-runtime';
import type { DocumentType } from '@smithy/types';
import type { GenerateRequest, GenerateResponse, GenerativeProvider } from './provider.ts';

export interface BedrockConverseOptions {
  modelId: string;
  region?: string;
  endpoint?: string;
  timeoutMs?: number;
  maxAttempts?: number;
}

/** The Converse request for a generate request (pure). */
export function converseInput(modelId: string, req: GenerateRequest): ConverseCommandInput {
  return {
    modelId,
    ...(req.system ? { system: [{ text: req.system }] } : {}),
    messages: [{ role: 'user', content: [{ text: req.prompt }] }],
    inferenceConfig: { temperature: req.temperature ?? 0, ...(req.maxTokens ? { maxTokens: req.maxTokens } : {}) },
    ...(req.jsonSchema
      ? {
          toolConfig: {
            tools: [
              {
                toolSpec: {
                  name: 'answer',
                  description: 'Return the answer in this shape',
                  inputSchema: { json: req.jsonSchema as DocumentType },
                },
              },
            ],
            toolChoice: { tool: { name: 'answer' } },
          },
        }
      : {}),
  };
}

/** Text and tool-call JSON from a Converse response (pure). */
export function readConverseOutput(out: Pick<ConverseCommandOutput, 'output'>): { text: string; json?: unknown } {
  const content = out.output?.message?.content ?? [];
  const text = content.map((c) => c.text ?? '').join('');
  const tool = content.find((c) => c.toolUse)?.toolUse;
  return tool ? { text: text || JSON.stringify(tool.input), json: tool.input } : { text };
}

export class BedrockConverseProvider implements GenerativeProvider {
  readonly name: string;
  private readonly client: BedrockRuntimeClient;
  constructor(private readonly opts: BedrockConverseOptions) {
    this.name = `bedrock:${opts.modelId}`;
    this.client = new BedrockRuntimeClient({
      ...(opts.region ? { region: opts.region } : {}),
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      maxAttempts: opts.maxAttempts ?? 3,
      requestHandler: { requestTimeout: opts.timeoutMs ?? 60_000 },
    });
  }
  async generate(req: GenerateRequest, signal?: AbortSignal): Promise<GenerateResponse> {
    const out = await this.client.send(new ConverseCommand(converseInput(this.opts.modelId, req)), {
      abortSignal: signal,
    });
    return { ...readConverseOutput(out), model: this.opts.modelId };
  }
}
