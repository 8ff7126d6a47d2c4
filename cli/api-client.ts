/** A small client of Quarry's API for the CLI: BDA runtime operations (awsJson1_1) and Quarry's /jobs routes. */
export class QuarryApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export class ApiClient {
  constructor(
    readonly endpoint: string,
    /** QUARRY_API_KEY (QuarryConfig `cli.apiKey`) */
    private readonly apiKey?: string,
  ) {}

  private headers(extra: Record<string, string> = {}) {
    return { ...(this.apiKey ? { 'x-api-key': this.apiKey } : {}), ...extra };
  }

  private async parse<T>(res: Response): Promise<T> {
    const text = await res.text();
    const body = text ? JSON.parse(text) : {};
    if (!res.ok) throw new QuarryApiError(body.__type ?? `HTTP ${res.status}`, body.message ?? text, res.status);
    return body as T;
  }

  async runtime<T>(operation: string, body: unknown): Promise<T> {
    const res = await fetch(`${this.endpoint}/`, {
      method: 'POST',
      headers: this.headers({
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `AmazonBedrockKeystoneRuntimeService.${operation}`,
      }),
      body: JSON.stringify(body),
    });
    return this.parse<T>(res);
  }

  /** A control-plane operation (restJson1), e.g. `control('PUT', '/blueprints', { blueprintName, type, schema })`. */
  async control<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', pathAndQuery: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.endpoint}${pathAndQuery}`, {
      method,
      headers: this.headers(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return this.parse<T>(res);
  }

  async get<T>(pathAndQuery: string): Promise<T> {
    return this.parse<T>(await fetch(`${this.endpoint}${pathAndQuery}`, { headers: this.headers() }));
  }

  /** An object's bytes as plaintext (`GET /outputs`: the API opens an encrypted output for its reader). */
  async readOutput(uri: string): Promise<Buffer> {
    const res = await fetch(`${this.endpoint}/outputs?uri=${encodeURIComponent(uri)}`, { headers: this.headers() });
    if (!res.ok) return this.parse<never>(res);
    return Buffer.from(await res.arrayBuffer());
  }

  async reachable(): Promise<boolean> {
    try {
      const res = await fetch(`${this.endpoint}/health`, {
        headers: this.headers(),
        signal: AbortSignal.timeout(1500),
      });
      return res.ok;
    } catch {
      return false;
    }
  }
}
