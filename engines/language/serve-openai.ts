/**
 * A minimal OpenAI-compatible chat-completions server over the in-process GGUF engine (embedded-provider.ts):
 * `tsx engines/language/serve-openai.ts --model file.gguf --port 8081`. Useful where no Ollama/vLLM is at
 * hand, and used by the tests to drive the HTTP provider against a real model server process.
 * Speaks `POST /v1/chat/completions` (messages, max_tokens, temperature, response_format json_schema |
 * json_object) and `GET /v1/models`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { EmbeddedProvider } from './embedded-provider.ts';
import type { GenerativeProvider } from './provider.ts';

interface ChatBody {
  model?: string;
  messages?: { role: string; content: string }[];
  max_tokens?: number;
  temperature?: number;
  response_format?: { type: string; json_schema?: { schema?: Record<string, unknown> } };
}

export function createOpenAiServer(provider: GenerativeProvider, modelName: string): http.Server {
  return http.createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      if (req.method === 'GET' && req.url === '/v1/models')
        return send(200, { object: 'list', data: [{ id: modelName, object: 'model' }] });
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions')
        return send(404, { error: { message: 'not found' } });
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatBody;
      const messages = body.messages ?? [];
      const system = messages
        .filter((m) => m.role === 'system')
        .map((m) => m.content)
        .join('\n');
      const prompt = messages
        .filter((m) => m.role !== 'system')
        .map((m) => m.content)
        .join('\n\n');
      if (!prompt) return send(400, { error: { message: 'messages must contain a user message' } });
      const schema =
        body.response_format?.type === 'json_schema'
          ? body.response_format.json_schema?.schema
          : body.response_format?.type === 'json_object'
            ? { type: 'object' }
            : undefined;
      // a client that gave up (its timeout) stops the generation: the model is free for its retry at once
      const gone = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) gone.abort();
      });
      const out = await provider.generate(
        {
          ...(system ? { system } : {}),
          prompt,
          jsonSchema: schema,
          maxTokens: body.max_tokens,
          temperature: body.temperature,
        },
        gone.signal,
      );
      if (gone.signal.aborted) return;
      send(200, {
        id: `chatcmpl-${Date.now()}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: modelName,
        choices: [{ index: 0, message: { role: 'assistant', content: out.text }, finish_reason: 'stop' }],
      });
    } catch (e) {
      send(500, { error: { message: (e as Error).message } });
    }
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
    },
  });
  if (!values.model) {
    console.error('usage: serve-openai.ts --model file.gguf [--port 8081] [--host 127.0.0.1]');
    process.exit(2);
  }
  const provider = new EmbeddedProvider({ modelPath: values.model }, 'llama-cpp');
  const name = values.model.split('/').pop() ?? 'model';
  const server = createOpenAiServer(provider, name);
  server.listen(Number(values.port), values.host, () => {
    const { port } = server.address() as AddressInfo;
    // the first line on stdout tells a parent process where to connect
    console.log(`listening http://${values.host}:${port}/v1`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
