/**
 * Two tenants from a tenants file (QUARRY_TENANTS_FILE), each with a key, a storage root and a bucket, in dev mode on
 * loopback: tenant B cannot list, read, change or delete A's blueprints, projects or jobs, nor point a job at A's
 * storage — each attempt through the real AWS SDK clients, each answered as a missing resource (or a root nobody
 * holds) would be. SigV4 signatures are verified: the right secret passes, a wrong one, an unknown key id and a
 * stale signature are refused; `x-api-key` carries a key's secret for other clients; no key at all is refused
 * even in dev mode once keys are configured.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  BedrockDataAutomationClient,
  CopyBlueprintStageCommand,
  CreateBlueprintCommand,
  CreateBlueprintVersionCommand,
  CreateDataAutomationProjectCommand,
  DeleteBlueprintCommand,
  DeleteDataAutomationProjectCommand,
  GetBlueprintCommand,
  GetDataAutomationProjectCommand,
  ListBlueprintsCommand,
  ListDataAutomationProjectsCommand,
  UpdateBlueprintCommand,
  UpdateDataAutomationProjectCommand,
} from '@aws-sdk/client-bedrock-data-automation';
import {
  BedrockDataAutomationRuntimeClient,
  GetDataAutomationStatusCommand,
  InvokeDataAutomationAsyncCommand,
  InvokeDataAutomationCommand,
} from '@aws-sdk/client-bedrock-data-automation-runtime';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { handleControlPlane } from '../../api/control-plane-routes.ts';
import { type RunningApi, startApi } from '../../api/server.ts';
import { CATALOG } from '../../blueprints/catalog.ts';
import { magic, writeFiles } from '../helpers/files.ts';
import { noopPipelineActivities, noopWorkflowsPath } from '../helpers/orchestration-activities.ts';
import { createStack, type Stack } from '../helpers/stack.ts';

const PROFILE = 'arn:aws:bedrock:us-east-1:000000000000:data-automation-profile/us.data-automation-v1';
const A = { id: 'AKIDTENANTA0001', secret: 'secret-of-tenant-a-0001' };
const B = { id: 'AKIDTENANTB0001', secret: 'secret-of-tenant-b-0001' };
const schema = JSON.stringify(CATALOG[0].schema);
const standardOutputConfiguration = {
  document: {
    extraction: { granularity: { types: ['PAGE' as const] }, boundingBox: { state: 'DISABLED' as const } },
    outputFormat: {
      textFormat: { types: ['PLAIN_TEXT' as const] },
      additionalFileFormat: { state: 'DISABLED' as const },
    },
  },
};

let base: string;
let stack: Stack;
let api: RunningApi;
const clients: { destroy(): void }[] = [];

const control = (key: { id: string; secret: string }, more: { systemClockOffset?: number } = {}) => {
  const c = new BedrockDataAutomationClient({
    endpoint: api.url,
    region: 'us-east-1',
    credentials: { accessKeyId: key.id, secretAccessKey: key.secret },
    maxAttempts: 1,
    ...more,
  });
  clients.push(c);
  return c;
};
const runtime = (key: { id: string; secret: string }) => {
  const c = new BedrockDataAutomationRuntimeClient({
    endpoint: api.url,
    region: 'us-east-1',
    credentials: { accessKeyId: key.id, secretAccessKey: key.secret },
    maxAttempts: 1,
  });
  clients.push(c);
  return c;
};
const uri = (...p: string[]) => pathToFileURL(path.join(base, ...p)).href;

/** The error a call ends in, as the SDK reports it: its name, HTTP status and message. */
async function failure(p: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, status: err.$metadata?.httpStatusCode, message: err.message };
  }
  throw new Error('the call succeeded');
}

beforeAll(async () => {
  base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-tenants-')));
  await writeFiles(path.join(base, 'a', 'in'), { 'a.pdf': magic.pdf() });
  await writeFiles(path.join(base, 'b', 'in'), { 'b.pdf': magic.pdf() });
  // a symlink in B's root that leads into A's
  await fs.symlink(path.join(base, 'a', 'in'), path.join(base, 'b', 'through'));
  const tenantsFile = path.join(base, 'tenants.json');
  await fs.writeFile(
    tenantsFile,
    JSON.stringify({
      tenants: {
        'tenant-a': { keys: [A], roots: [path.join(base, 'a')], buckets: ['bucket-a'] },
        'tenant-b': { keys: [B], roots: [path.join(base, 'b')], buckets: ['bucket-b'] },
      },
    }),
  );
  stack = await createStack({
    address: inject('temporalAddress'),
    workflowsPath: noopWorkflowsPath,
    activities: noopPipelineActivities(),
    env: { QUARRY_DEV: '1', QUARRY_TENANTS_FILE: tenantsFile },
  });
  api = await startApi(
    { config: stack.config, client: stack.client, storage: stack.storage, controlPlane: handleControlPlane },
    { host: '127.0.0.1', port: 0 },
  );
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await api?.close();
  await stack?.close();
  if (base) await fs.rm(base, { recursive: true, force: true });
});

describe("tenant B cannot reach tenant A's control plane", () => {
  it('blueprints: not listed; read, update, version, copy-stage and delete answer as a missing blueprint', async () => {
    const a = control(A);
    const b = control(B);
    const { blueprint } = await a.send(
      new CreateBlueprintCommand({ blueprintName: 'a-invoice', type: 'DOCUMENT', schema }),
    );
    const arn = blueprint!.blueprintArn!;
    const missing = arn.replace(/[0-9a-f]{12}$/, '000000000000');

    expect((await b.send(new ListBlueprintsCommand({}))).blueprints).toEqual([]);
    expect((await a.send(new ListBlueprintsCommand({}))).blueprints?.map((x) => x.blueprintArn)).toContain(arn);

    const calls = (target: string) => [
      b.send(new GetBlueprintCommand({ blueprintArn: target })),
      b.send(new UpdateBlueprintCommand({ blueprintArn: target, schema })),
      b.send(new CreateBlueprintVersionCommand({ blueprintArn: target })),
      b.send(new CopyBlueprintStageCommand({ blueprintArn: target, sourceStage: 'DEVELOPMENT', targetStage: 'LIVE' })),
      b.send(new DeleteBlueprintCommand({ blueprintArn: target })),
    ];
    const others = await Promise.all(calls(arn).map(failure));
    const absent = await Promise.all(calls(missing).map(failure));
    for (const [i, f] of others.entries()) {
      expect(f).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
      // no existence oracle: the same answer, word for word, as for an ARN nobody has
      expect(f.message.replace(arn, 'ARN')).toBe(absent[i].message.replace(missing, 'ARN'));
    }
    // still there, unchanged, for A
    const still = await a.send(new GetBlueprintCommand({ blueprintArn: arn }));
    expect(still.blueprint?.schema).toBe(schema);
    expect(still.blueprint?.blueprintVersion).toBeUndefined();
  });

  it("projects: not listed; read, update and delete answer as a missing project; A's blueprint cannot be put in B's project", async () => {
    const a = control(A);
    const b = control(B);
    const { blueprint } = await a.send(
      new CreateBlueprintCommand({ blueprintName: 'a-for-project', type: 'DOCUMENT', schema }),
    );
    const { projectArn } = await a.send(
      new CreateDataAutomationProjectCommand({ projectName: 'a-project', standardOutputConfiguration }),
    );
    const arn = projectArn!;
    const missing = arn.replace(/[0-9a-f]{12}$/, '000000000000');

    expect((await b.send(new ListDataAutomationProjectsCommand({}))).projects).toEqual([]);
    const calls = (target: string) => [
      b.send(new GetDataAutomationProjectCommand({ projectArn: target })),
      b.send(new UpdateDataAutomationProjectCommand({ projectArn: target, standardOutputConfiguration })),
      b.send(new DeleteDataAutomationProjectCommand({ projectArn: target })),
    ];
    const others = await Promise.all(calls(arn).map(failure));
    const absent = await Promise.all(calls(missing).map(failure));
    for (const [i, f] of others.entries()) {
      expect(f).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
      expect(f.message.replace(arn, 'ARN')).toBe(absent[i].message.replace(missing, 'ARN'));
    }
    const usesA = await failure(
      b.send(
        new CreateDataAutomationProjectCommand({
          projectName: 'b-project',
          standardOutputConfiguration,
          customOutputConfiguration: { blueprints: [{ blueprintArn: blueprint!.blueprintArn! }] },
        }),
      ),
    );
    expect(usesA).toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/was not found/) });
    expect((await a.send(new GetDataAutomationProjectCommand({ projectArn: arn }))).project?.projectName).toBe(
      'a-project',
    );
  });
});

describe("tenant B cannot reach tenant A's jobs or storage", () => {
  it("jobs: B cannot read the status of A's job, nor see it listed; A's project and blueprints do not run for B", async () => {
    const a = runtime(A);
    const b = runtime(B);
    const { invocationArn } = await a.send(
      new InvokeDataAutomationAsyncCommand({
        inputConfiguration: { s3Uri: uri('a', 'in', 'a.pdf') },
        outputConfiguration: { s3Uri: uri('a', 'out') },
        dataAutomationProfileArn: PROFILE,
      }),
    );
    const other = await failure(b.send(new GetDataAutomationStatusCommand({ invocationArn })));
    const absentArn = invocationArn!.replace(/[^/]+$/, 'no-such-job');
    const absent = await failure(b.send(new GetDataAutomationStatusCommand({ invocationArn: absentArn })));
    expect(other).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    expect(other.message.replace(/'[^']+'/, "'ID'")).toBe(absent.message.replace(/'[^']+'/, "'ID'"));
    expect(['Created', 'InProgress', 'Success']).toContain(
      (await a.send(new GetDataAutomationStatusCommand({ invocationArn }))).status,
    );

    const list = async (key: { secret: string }) => {
      const r = await fetch(`${api.url}/jobs`, { headers: { 'x-api-key': key.secret } });
      expect(r.status).toBe(200);
      return ((await r.json()) as { jobs: { invocationArn: string }[] }).jobs.map((j) => j.invocationArn);
    };
    let mine: string[] = [];
    for (let i = 0; i < 50 && !mine.includes(invocationArn!); i++) {
      mine = await list(A);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(mine).toContain(invocationArn);
    expect(await list(B)).not.toContain(invocationArn);
    const detail = await fetch(`${api.url}/jobs/${invocationArn!.split('/').pop()}`, {
      headers: { 'x-api-key': B.secret },
    });
    expect(detail.status).toBe(404);

    const { projectArn } = await control(A).send(
      new CreateDataAutomationProjectCommand({ projectName: 'a-job-project', standardOutputConfiguration }),
    );
    const withProject = await failure(
      b.send(
        new InvokeDataAutomationAsyncCommand({
          inputConfiguration: { s3Uri: uri('b', 'in', 'b.pdf') },
          outputConfiguration: { s3Uri: uri('b', 'out') },
          dataAutomationConfiguration: { dataAutomationProjectArn: projectArn! },
          dataAutomationProfileArn: PROFILE,
        }),
      ),
    );
    expect(withProject.name).toBe('ResourceNotFoundException');
  });

  it("storage: B's job cannot read A's root or bucket, write into them, or reach A's root through a symlink", async () => {
    const b = runtime(B);
    const invoke = (input: string, output: string) =>
      failure(
        b.send(
          new InvokeDataAutomationAsyncCommand({
            inputConfiguration: { s3Uri: input },
            outputConfiguration: { s3Uri: output },
            dataAutomationProfileArn: PROFILE,
          }),
        ),
      );
    const nobody = await invoke(uri('nobody', 'x.pdf'), uri('b', 'out'));
    const readA = await invoke(uri('a', 'in', 'a.pdf'), uri('b', 'out'));
    expect(readA).toMatchObject({ name: 'ValidationException', status: 400 });
    // A's root answers as a folder no tenant holds
    expect(readA.message.replace(uri('a', 'in', 'a.pdf'), 'URI')).toBe(
      nobody.message.replace(uri('nobody', 'x.pdf'), 'URI'),
    );
    expect(await invoke(uri('b', 'in', 'b.pdf'), uri('a', 'out'))).toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/outputConfiguration\.s3Uri: .* is outside the allowed storage roots/),
    });
    expect(await invoke(uri('b', 'through', 'a.pdf'), uri('b', 'out'))).toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/symlink escape/),
    });
    expect(await invoke('s3://bucket-a/in/a.pdf', 's3://bucket-b/out')).toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/bucket 'bucket-a' is not in the allowed buckets \(bucket-b\)/),
    });
    expect(await invoke(uri('b', 'in', 'b.pdf'), 's3://bucket-a/out')).toMatchObject({ name: 'ValidationException' });
    const sync = await failure(
      b.send(
        new InvokeDataAutomationCommand({
          inputConfiguration: { s3Uri: uri('a', 'in', 'a.pdf') },
          dataAutomationProfileArn: PROFILE,
        }),
      ),
    );
    expect(sync).toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/outside the allowed storage roots/),
    });
    // reading an object back through the API (GET /outputs) is held to the same grants
    const read = (key: { secret: string }, target: string) =>
      fetch(`${api.url}/outputs?uri=${encodeURIComponent(target)}`, { headers: { 'x-api-key': key.secret } });
    const other = await read(B, uri('a', 'in', 'a.pdf'));
    expect(other.status).toBe(400);
    expect(((await other.json()) as { message: string }).message).toMatch(/outside the allowed storage roots/);
    expect((await read(B, uri('b', 'through', 'a.pdf'))).status).toBe(400);
    expect((await read(A, uri('a', 'in', 'a.pdf'))).status).toBe(200);
    // B's own storage works
    const { invocationArn } = await b.send(
      new InvokeDataAutomationAsyncCommand({
        inputConfiguration: { s3Uri: uri('b', 'in', 'b.pdf') },
        outputConfiguration: { s3Uri: uri('b', 'out') },
        dataAutomationProfileArn: PROFILE,
      }),
    );
    expect(invocationArn).toMatch(/data-automation-invocation\//);
  });
});

describe('signed requests', () => {
  it('the right secret passes; a wrong secret, an unknown key id and a stale signature are refused with 403', async () => {
    expect((await control(A).send(new ListBlueprintsCommand({}))).blueprints).toBeDefined();
    const status = (key: { id: string; secret: string }) =>
      runtime(key).send(
        new GetDataAutomationStatusCommand({
          invocationArn: 'arn:aws:bedrock:us-east-1:000000000000:data-automation-invocation/x',
        }),
      );
    // right secret: the request is authenticated (and the job is simply not there)
    expect(await failure(status(A))).toMatchObject({ name: 'ResourceNotFoundException' });

    const wrong = { id: A.id, secret: 'not-the-secret-of-a' };
    expect(await failure(status(wrong))).toMatchObject({ name: 'InvalidSignatureException', status: 403 });
    expect(await failure(control(wrong).send(new ListBlueprintsCommand({})))).toMatchObject({
      name: 'InvalidSignatureException',
      status: 403,
      message: expect.stringMatching(/signature we calculated does not match/),
    });
    // B's secret with A's key id is a wrong secret too
    expect(await failure(status({ id: A.id, secret: B.secret }))).toMatchObject({ name: 'InvalidSignatureException' });
    expect(await failure(status({ id: 'AKIDNOBODY00001', secret: 'whatever-secret' }))).toMatchObject({
      name: 'UnrecognizedClientException',
      status: 403,
    });
    // a client whose clock is 10 minutes behind signs a request that looks replayed later: refused
    const stale = await failure(control(A, { systemClockOffset: -10 * 60_000 }).send(new ListBlueprintsCommand({})));
    expect(stale).toMatchObject({
      name: 'InvalidSignatureException',
      status: 403,
      message: expect.stringMatching(/Signature expired/),
    });
    // 2 minutes behind is inside the 5-minute skew
    expect(
      (await control(A, { systemClockOffset: -2 * 60_000 }).send(new ListBlueprintsCommand({}))).blueprints,
    ).toBeDefined();
  });

  it('a request whose body was changed after signing is refused', async () => {
    const c = control(A);
    c.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as { body?: unknown };
        req.body = Buffer.from(String(req.body).replace('a-tampered', 'b-tampered'));
        return next(args);
      },
      { step: 'deserialize', name: 'tamperAfterSigning' },
    );
    // the deserialize step runs after finalizeRequest, where the request was signed
    const f = await failure(
      c.send(new CreateBlueprintCommand({ blueprintName: 'a-tampered', type: 'DOCUMENT', schema })),
    );
    expect(f).toMatchObject({ name: 'InvalidSignatureException', status: 403 });
  });

  it('x-api-key and Bearer carry a key secret; no key or a wrong one is refused even in dev mode on loopback', async () => {
    const get = (headers: Record<string, string>) => fetch(`${api.url}/jobs`, { headers });
    expect((await get({ 'x-api-key': A.secret })).status).toBe(200);
    expect((await get({ authorization: `Bearer ${B.secret}` })).status).toBe(200);
    const none = await get({});
    expect(none.status).toBe(403);
    expect(none.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    expect((await get({ 'x-api-key': A.id })).status).toBe(403); // the id alone is not a credential
    expect((await get({ 'x-api-key': 'wrong' })).status).toBe(403);
  });
});
