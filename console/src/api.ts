/**
 * The console's calls: the same BDA runtime (awsJson1_1), control plane (restJson1) and `/jobs` endpoints every
 * client uses, plus the console's own inbox and job-file routes. The key rides in the console's cookie.
 */

export class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number,
  ) {
    super(`${type}: ${message}`);
  }
}

async function call<T>(path: string, init: RequestInit): Promise<T> {
  const res = await fetch(path, { credentials: 'same-origin', ...init });
  const text = await res.text();
  const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!res.ok) {
    const type = res.headers.get('x-amzn-errortype') ?? String(body.__type ?? `HTTP ${res.status}`);
    throw new ApiError(type.split(':')[0], String(body.message ?? res.statusText), res.status);
  }
  return body as T;
}

/** A BDA runtime operation (`InvokeDataAutomationAsync`, `GetDataAutomationStatus`). */
export const runtime = <T>(operation: string, body: unknown) =>
  call<T>('/', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AmazonBedrockKeystoneRuntimeService.${operation}`,
    },
    body: JSON.stringify(body),
  });

/** A control-plane operation (restJson1): method, path, JSON body. */
export const control = <T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body: unknown = {}) =>
  call<T>(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

export const get = <T>(path: string) => call<T>(path, { method: 'GET' });

export interface ConsoleInfo {
  tenant: string;
  uploadLimitBytes: number;
  region: string;
  outputUri: string;
}

/** Uploads a file into the console's inbox; resolves to the storage URI a job reads. */
export const upload = (file: File) =>
  call<{ uri: string; bytes: number; name: string }>(`/console/api/uploads?name=${encodeURIComponent(file.name)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: file,
  });

/** URL of an output or input object of a job (`download`: as an attachment). */
export const objectUrl = (jobId: string, uri: string, download = false) =>
  `/console/api/jobs/${jobId}/object?uri=${encodeURIComponent(uri)}${download ? '&download=1' : ''}`;

export const pageImageUrl = (jobId: string, assetIndex: number, pageIndex: number) =>
  `/console/api/jobs/${jobId}/assets/${assetIndex}/pages/${pageIndex}`;

export const readJson = <T>(jobId: string, uri: string) => get<T>(objectUrl(jobId, uri));

export const jobIdOf = (invocationArn: string) => invocationArn.split('/').pop() ?? invocationArn;
