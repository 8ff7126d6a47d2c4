import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobWorkflowId } from '../../api/job-id.ts';
import { type DevServer, startDevServer } from '../../cli/dev-server.ts';
import { freePort } from '../../cli/free-port.ts';
import type { JobResult } from '../../schemas/job.ts';
import { magic, writeFiles } from '../helpers/files.ts';
import { noopPipelineActivities, noopWorkflowsPath } from '../helpers/orchestration-activities.ts';
import { createStack, type Stack } from '../helpers/stack.ts';
import { temporalCliPath } from '../helpers/temporal-server.ts';

/**
 * What the Temporal server stores is ciphertext: a job whose input folder carries a recognisable marker
 * runs on a dev server with a SQLite file, then the raw bytes of that file (and its WAL) are searched.
 * The marker reaches the server in the workflow input, activity inputs/results, child inputs and the memo
 * (the API puts inputUri there) and failure messages ("unsupported file type BMP … for '<uri>'"): all go
 * through the payload codec (gzip + AES-256-GCM); failures because codecs/failure-converter.cjs encodes
 * their message and stack (encodeCommonAttributes). Search attributes are never encoded: none holds a path.
 */
const MARKER = 'marker-7f3a9c';
const PROFILE = 'arn:aws:bedrock:us-east-1:000000000000:data-automation-profile/us.data-automation-v1';
let home: string;
let server: DevServer;
let stack: Stack;

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-sqlite-'));
  const port = await freePort();
  server = await startDevServer({ binary: temporalCliPath(), home, port });
  stack = await createStack({
    address: `127.0.0.1:${port}`,
    namespace: 'default',
    workflowsPath: noopWorkflowsPath,
    activities: noopPipelineActivities(),
    api: true,
  });
});
afterAll(async () => {
  await stack?.close();
  await server?.stop();
  if (home) await fs.rm(home, { recursive: true, force: true });
});

async function sqliteBytes(): Promise<Buffer> {
  const files = (await fs.readdir(home)).filter((f) => f.startsWith('temporal.db'));
  expect(files).toContain('temporal.db');
  // SQLite creates and deletes its -journal/-wal files while the server runs: one listed here may be
  // gone by the time it is read, and a file that no longer exists holds nothing to check.
  const contents = await Promise.all(files.map((f) => readIfPresent(path.join(home, f))));
  return Buffer.concat(contents);
}

async function readIfPresent(file: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw error;
  }
}

describe('payloads at rest in the Temporal server', () => {
  it('the SQLite file holds the job (its workflow id) but never the input path in plaintext', async () => {
    await writeFiles(path.join(stack.root, MARKER), {
      [`${MARKER}-a.pdf`]: magic.pdf(),
      [`${MARKER}-b.png`]: magic.png(),
      [`${MARKER}-c.wav`]: magic.wav(),
      // unsupported: its probe fails with a message naming the file, stored as a failure in the history
      [`${MARKER}-d.bmp`]: magic.bmp(),
    });
    const inputUri = `${stack.rootUri}/${MARKER}`;
    const res = await fetch(`${stack.api!.url}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonBedrockKeystoneRuntimeService.InvokeDataAutomationAsync',
      },
      body: JSON.stringify({
        inputConfiguration: { s3Uri: inputUri },
        outputConfiguration: { s3Uri: `${stack.rootUri}/out` },
        dataAutomationProfileArn: PROFILE,
      }),
    });
    expect(res.status).toBe(200);
    const { invocationArn } = (await res.json()) as { invocationArn: string };
    const workflowId = jobWorkflowId(invocationArn.split('/').pop()!);
    const handle = stack.client.workflow.getHandle(workflowId);
    const result = (await handle.result()) as JobResult;
    expect(result).toMatchObject({ status: 'Success', totalAssets: 4, failedAssets: 1, errorType: 'PartialFailure' });

    // through the data converter the marker is there: in the memo, and in the failure message
    const desc = await handle.describe();
    expect((desc.memo as { inputUri: string }).inputUri).toBe(inputUri);
    expect(result.errorMessage).toContain(`${MARKER}-d.bmp`);
    const history = JSON.stringify(await handle.fetchHistory());
    expect(history).not.toContain(MARKER); // the raw history (as the server sends it) is already opaque

    // control: a payload written WITHOUT the codec is found by this very search (it would catch a leak)
    const plain = new Client({ connection: stack.client.connection, namespace: 'default' });
    await plain.workflow.start('notRegistered', {
      workflowId: 'plaintext-control',
      taskQueue: 'nobody-polls',
      args: ['control-e41d07'],
    });

    // the server's database: the job is in it, the marker is not (not in UTF-8, nor UTF-16)
    const db = await sqliteBytes();
    expect(db.includes(Buffer.from('control-e41d07'))).toBe(true);
    expect(db.includes(Buffer.from(workflowId))).toBe(true);
    expect(db.includes(Buffer.from(MARKER))).toBe(false);
    expect(db.includes(Buffer.from(MARKER, 'utf16le'))).toBe(false);

    // and still after the server has checkpointed and closed the file
    await stack.close();
    await server.stop();
    const closed = await sqliteBytes();
    expect(closed.includes(Buffer.from(workflowId))).toBe(true);
    expect(closed.includes(Buffer.from(MARKER))).toBe(false);
    stack = undefined as unknown as Stack;
    server = undefined as unknown as DevServer;
  });
});
