/**
 * Hostile input (#10 point 5), through the real API, workflows and engines: a batch of 66 malformed and hostile
 * files across the four modalities (test/fixtures/hostile/corpus.ts), then the inputs that are hostile as
 * requests — a named pipe, symlinks out of the root and to /dev/zero, a loop, a folder posing as a file,
 * traversal, SSRF and odd URIs. Each gives a ClientError with a message or a valid output; none a ServiceError, a
 * hang or a dead worker; no secret read through an XML entity; no shell command run from a file name.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { activitiesByQueue } from '../../worker/activities.ts';
import { type HostileFile, writeHostileCorpus } from '../fixtures/hostile/corpus.ts';
import { createStack, type Stack } from '../helpers/stack.ts';

const PROFILE = 'arn:aws:bedrock:us-east-1:000000000000:data-automation-profile/us.data-automation-v1';
let stack: Stack;
let corpus: HostileFile[];
let dir: string;

beforeAll(async () => {
  stack = await createStack({ address: inject('temporalAddress'), activities: (deps) => activitiesByQueue(deps), api: true });
  dir = path.join(stack.root, 'hostile');
  corpus = await writeHostileCorpus(dir, path.join(stack.root, 'work'));
}, 120_000);
afterAll(async () => {
  await stack?.close();
});

async function call(target: string, body: unknown) {
  const res = await fetch(`${stack.api!.url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonBedrockKeystoneRuntimeService.${target}` },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as {
      invocationArn?: string;
      status?: string;
      __type?: string;
      message?: string;
      errorType?: string;
      errorMessage?: string;
      outputConfiguration?: { s3Uri: string };
    },
  };
}

let seq = 0;
/** One submission; a 429 (the tenant's 10 invokes a second) is waited out and sent again, as the AWS SDK does. */
async function submit(inputUri: string) {
  const out = `${stack.rootUri}/out/${seq++}`;
  for (;;) {
    const r = await call('InvokeDataAutomationAsync', {
      inputConfiguration: { s3Uri: inputUri },
      outputConfiguration: { s3Uri: out },
      dataAutomationProfileArn: PROFILE,
    });
    if (r.status !== 429) return r;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function finished(invocationArn: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await call('GetDataAutomationStatus', { invocationArn });
    if (s.body.status !== 'Created' && s.body.status !== 'InProgress') return s.body;
    if (Date.now() > deadline) throw new Error(`${invocationArn} still ${s.body.status} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

interface AssetEntry {
  asset_input_path: { uri: string };
  asset_processing_status: string;
  error_type?: string;
  error_message?: string;
  segment_metadata: { standard_output_path?: string }[];
}

describe('hostile input', () => {
  it('a batch of 66 malformed and hostile files: each a ClientError with a message or a valid output, no ServiceError', async () => {
    expect(corpus.length).toBeGreaterThanOrEqual(60);
    const { status, body } = await submit(pathToFileURL(dir).href);
    expect(status, JSON.stringify(body)).toBe(200);
    const done = await finished(body.invocationArn!, 600_000);
    expect(['Success', 'ClientError']).toContain(done.status);
    const meta = JSON.parse(await fs.readFile(fileURLToPath(done.outputConfiguration!.s3Uri), 'utf8')) as { output_metadata: AssetEntry[] };
    expect(meta.output_metadata).toHaveLength(corpus.length);
    const byName = new Map(meta.output_metadata.map((a) => [decodeURIComponent(path.basename(a.asset_input_path.uri)), a]));
    const wrong: string[] = [];
    const table: string[] = [];
    for (const f of corpus) {
      const a = byName.get(f.name);
      if (!a) {
        wrong.push(`${f.name}: not in job_metadata.json`);
        continue;
      }
      table.push(`${f.modality.padEnd(8)} ${f.name.padEnd(34)} ${a.asset_processing_status.padEnd(11)} ${a.error_type ?? ''} ${(a.error_message ?? '').slice(0, 110)}`);
      if (a.asset_processing_status === 'ClientError') {
        if (!a.error_message?.trim()) wrong.push(`${f.name}: ClientError without a message`);
      } else if (a.asset_processing_status === 'Success') {
        if (f.expect === 'client-error') wrong.push(`${f.name} (${f.what}): Success, expected a ClientError`);
        for (const s of a.segment_metadata) {
          const out = JSON.parse(await fs.readFile(fileURLToPath(s.standard_output_path!), 'utf8'));
          if (!out.metadata?.semantic_modality) wrong.push(`${f.name}: standard output without metadata.semantic_modality`);
          if (JSON.stringify(out).includes('root:x:0:0')) wrong.push(`${f.name}: /etc/passwd in the output`);
        }
      } else wrong.push(`${f.name} (${f.what}): ${a.asset_processing_status} ${a.error_type}: ${a.error_message}`);
    }
    console.log(`hostile corpus (${corpus.length} files):\n${table.join('\n')}`);
    expect(wrong).toEqual([]);
    // no file name was run as a shell command
    expect(existsSync(path.join(dir, 'pwned')) || existsSync(path.resolve('pwned'))).toBe(false);
    // and the workers are alive: a good file still goes through
    await fs.copyFile(path.resolve('samples/sample.pdf'), path.join(stack.root, 'good.pdf'));
    const good = await submit(`${stack.rootUri}/good.pdf`);
    expect((await finished(good.body.invocationArn!, 120_000)).status).toBe('Success');
  }, 900_000);

  it('inputs that are hostile as requests: a named pipe, symlinks out, a loop, a folder, traversal, SSRF and odd URIs', async () => {
    const special = path.join(stack.root, 'special');
    await fs.mkdir(special, { recursive: true });
    execFileSync('mkfifo', [path.join(special, 'pipe.pdf')]);
    await fs.symlink('/etc/passwd', path.join(special, 'passwd.pdf'));
    await fs.symlink('/dev/zero', path.join(special, 'zero.wav'));
    await fs.symlink(path.join(special, 'loop-b.pdf'), path.join(special, 'loop-a.pdf'));
    await fs.symlink(path.join(special, 'loop-a.pdf'), path.join(special, 'loop-b.pdf'));
    await fs.mkdir(path.join(special, 'folder.pdf'));
    const root = stack.rootUri;
    const cases: [string, string][] = [
      ['a named pipe (an endless stream)', `${root}/special/pipe.pdf`],
      ['a symlink to /etc/passwd', `${root}/special/passwd.pdf`],
      ['a symlink to /dev/zero', `${root}/special/zero.wav`],
      ['a symlink loop', `${root}/special/loop-a.pdf`],
      ['an empty folder named .pdf', `${root}/special/folder.pdf`],
      ['a file outside the roots', 'file:///etc/passwd'],
      ['.. out of the root', `${root}/../../../../etc/passwd`],
      ['%2e%2e out of the root', `${root}/%2e%2e/%2e%2e/%2e%2e/etc/passwd`],
      ['a NUL byte', `${root}/special/a%00.pdf`],
      ['the cloud metadata address over http', 'http://169.254.169.254/latest/meta-data/'],
      ['an https URL to the Temporal port', 'https://127.0.0.1:7233/'],
      ['ftp', 'ftp://example.com/x.pdf'],
      ['a bucket named like an address', 's3://169.254.169.254/latest'],
      ['a 10,000-character URI', `${root}/${'a'.repeat(10_000)}.pdf`],
      ['an empty URI', ''],
      ['a relative path', 'samples/sample.pdf'],
    ];
    const results: string[] = [];
    const wrong: string[] = [];
    for (const [what, uri] of cases) {
      const r = await submit(uri);
      if (r.status === 400) {
        results.push(`${what}: 400 ${r.body.__type}: ${r.body.message?.slice(0, 100)}`);
        if (r.body.__type !== 'ValidationException' || !r.body.message) wrong.push(`${what}: 400 without a ValidationException message`);
        continue;
      }
      if (r.status !== 200) {
        wrong.push(`${what}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
        continue;
      }
      const s = await finished(r.body.invocationArn!, 180_000);
      results.push(`${what}: job ${s.status} ${s.errorType ?? ''}: ${(s.errorMessage ?? '').slice(0, 100)}`);
      if (s.status !== 'ClientError' || !s.errorMessage) wrong.push(`${what}: job ${s.status} ${s.errorType}: ${s.errorMessage}`);
    }
    console.log(`hostile requests:\n${results.join('\n')}`);
    expect(wrong).toEqual([]);
  }, 600_000);
});
