import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
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
  paginateListBlueprints,
  UpdateBlueprintCommand,
  UpdateDataAutomationProjectCommand,
} from '@aws-sdk/client-bedrock-data-automation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleControlPlane } from '../../api/control-plane-routes.ts';
import { controlPlaneFor } from '../../control-plane/context.ts';
import { asBlueprintRefs, resolveBlueprint, resolveProject } from '../../control-plane/resolve.ts';
import { CATALOG } from '../../blueprints/catalog.ts';
import { loadConfig } from '../../schemas/config.ts';

let server: http.Server;
let client: BedrockDataAutomationClient;
let home: string;
let config: ReturnType<typeof loadConfig>;

const invoiceSchema = JSON.stringify(CATALOG[0].schema);

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-cp-'));
  config = loadConfig({ QUARRY_HOME: home, QUARRY_ACCOUNT_ID: '123456789012', QUARRY_REGION: 'us-east-1' });
  // as api/server.ts does: the body read first (its signature covers it), then served for the authenticated tenant
  server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (!(await handleControlPlane(req, res, { config, tenant: 'default', body: Buffer.concat(chunks) }))) res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  client = new BedrockDataAutomationClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(async () => {
  client?.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  await fs.rm(home, { recursive: true, force: true });
});

describe('control plane through the real AWS SDK client', () => {
  it('creates, versions, stages, lists and deletes blueprints and projects', async () => {
    const created = await client.send(
      new CreateBlueprintCommand({
        blueprintName: 'my-invoice',
        type: 'DOCUMENT',
        blueprintStage: 'DEVELOPMENT',
        schema: invoiceSchema,
      }),
    );
    const arn = created.blueprint?.blueprintArn as string;
    expect(arn).toMatch(/^arn:aws:bedrock:us-east-1:123456789012:blueprint\/[0-9a-f]+$/);
    expect(created.blueprint?.creationTime).toBeInstanceOf(Date);

    const updated = JSON.parse(invoiceSchema);
    updated.properties.Notes = { type: 'string', inferenceType: 'explicit', instruction: 'Notes' };
    await client.send(
      new UpdateBlueprintCommand({ blueprintArn: arn, schema: JSON.stringify(updated), blueprintStage: 'DEVELOPMENT' }),
    );
    const v1 = await client.send(new CreateBlueprintVersionCommand({ blueprintArn: arn }));
    expect(v1.blueprint?.blueprintVersion).toBe('1');

    // LIVE does not exist until the stage is copied
    await expect(
      client.send(new GetBlueprintCommand({ blueprintArn: arn, blueprintStage: 'LIVE' })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await client.send(
      new CopyBlueprintStageCommand({ blueprintArn: arn, sourceStage: 'DEVELOPMENT', targetStage: 'LIVE' }),
    );
    const live = await client.send(new GetBlueprintCommand({ blueprintArn: arn, blueprintStage: 'LIVE' }));
    expect(JSON.parse(live.blueprint?.schema as string).properties.Notes).toBeTruthy();
    const ver = await client.send(new GetBlueprintCommand({ blueprintArn: arn, blueprintVersion: '1' }));
    expect(ver.blueprint?.blueprintVersion).toBe('1');

    // pagination over ACCOUNT blueprints
    for (let i = 0; i < 3; i++) {
      await client.send(
        new CreateBlueprintCommand({ blueprintName: `extra-${i}`, type: 'DOCUMENT', schema: invoiceSchema }),
      );
    }
    const first = await client.send(new ListBlueprintsCommand({ maxResults: 2 }));
    expect(first.blueprints).toHaveLength(2);
    expect(first.nextToken).toBeTruthy();
    const all = [];
    for await (const p of paginateListBlueprints({ client, pageSize: 2 }, {})) all.push(...(p.blueprints ?? []));
    expect(all.length).toBe(5); // my-invoice DEVELOPMENT + LIVE, 3 extras LIVE
    const service = await client.send(new ListBlueprintsCommand({ resourceOwner: 'SERVICE' }));
    expect(service.blueprints?.some((b) => b.blueprintArn?.endsWith('bedrock-data-automation-public-invoice'))).toBe(
      true,
    );

    // a project using the user blueprint and a catalog blueprint, with the splitter on
    const project = await client.send(
      new CreateDataAutomationProjectCommand({
        projectName: 'packets',
        projectStage: 'LIVE',
        standardOutputConfiguration: {
          document: { extraction: { granularity: { types: ['WORD', 'LINE'] }, boundingBox: { state: 'ENABLED' } } },
        },
        customOutputConfiguration: {
          blueprints: [
            { blueprintArn: arn, blueprintStage: 'LIVE' },
            { blueprintArn: 'arn:aws:bedrock:us-east-1:aws:blueprint/bedrock-data-automation-public-receipt' },
          ],
        },
        overrideConfiguration: { document: { splitter: { state: 'ENABLED' } } },
      }),
    );
    const projectArn = project.projectArn as string;
    expect(project.status).toBe('COMPLETED');
    const got = await client.send(new GetDataAutomationProjectCommand({ projectArn }));
    expect(got.project?.customOutputConfiguration?.blueprints).toHaveLength(2);
    const listed = await client.send(new ListDataAutomationProjectsCommand({}));
    expect(listed.projects?.map((p) => p.projectName)).toEqual(['packets']);
    await client.send(
      new UpdateDataAutomationProjectCommand({
        projectArn,
        projectStage: 'LIVE',
        projectDescription: 'invoices and receipts',
        standardOutputConfiguration: got.project?.standardOutputConfiguration ?? {},
        customOutputConfiguration: got.project?.customOutputConfiguration,
        overrideConfiguration: got.project?.overrideConfiguration,
      }),
    );

    // what the runtime and the shaping activity resolve
    const cp = controlPlaneFor(config, 'default');
    const resolved = await resolveProject(cp, projectArn, 'LIVE');
    expect(resolved?.overrideConfiguration?.document?.splitter?.state).toBe('ENABLED');
    expect(asBlueprintRefs(resolved?.customOutputConfiguration?.blueprints ?? [])).toEqual([
      { blueprintArn: arn, stage: 'LIVE' },
      { blueprintArn: 'arn:aws:bedrock:us-east-1:aws:blueprint/bedrock-data-automation-public-receipt' },
    ]);
    const bp = await resolveBlueprint(cp, { blueprintArn: arn, blueprintStage: 'LIVE' });
    expect(bp?.blueprintName).toBe('my-invoice');
    expect(
      await resolveBlueprint(cp, {
        blueprintArn: 'arn:aws:bedrock:us-east-1:aws:blueprint/bedrock-data-automation-public-receipt',
      }),
    ).toMatchObject({ type: 'DOCUMENT' });

    // persisted durably: a fresh read from disk sees the same state
    const files = await fs.readdir(path.join(home, 'control-plane', 'blueprints'));
    expect(files).toHaveLength(4);

    await client.send(new DeleteDataAutomationProjectCommand({ projectArn }));
    await client.send(new DeleteBlueprintCommand({ blueprintArn: arn }));
    await expect(client.send(new GetBlueprintCommand({ blueprintArn: arn }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect((await client.send(new ListDataAutomationProjectsCommand({}))).projects).toEqual([]);
  });

  it('refuses malformed blueprints with a ValidationException naming the JSON pointer', async () => {
    const cases: [unknown, RegExp][] = [
      [{ class: 'X', properties: { a: { $ref: '#/definitions/Missing' } } }, /\/properties\/a\/\$ref/],
      [{ class: 'X', properties: { a: { type: 'money', inferenceType: 'explicit' } } }, /\/properties\/a\/type/],
      [
        {
          class: 'X',
          properties: Object.fromEntries(
            Array.from({ length: 101 }, (_, i) => [`f${i}`, { type: 'string', inferenceType: 'explicit' }]),
          ),
        },
        /\/properties\/f100.*more than 100 leaf fields/,
      ],
    ];
    for (const [schema, re] of cases) {
      const err = await client
        .send(new CreateBlueprintCommand({ blueprintName: 'bad', type: 'DOCUMENT', schema: JSON.stringify(schema) }))
        .catch((e) => e);
      expect(err.name).toBe('ValidationException');
      expect(err.message).toMatch(re);
    }
    const big = JSON.stringify({ class: 'X', description: 'x'.repeat(100_001), properties: { a: { type: 'string' } } });
    const err = await client
      .send(new CreateBlueprintCommand({ blueprintName: 'bad', type: 'DOCUMENT', schema: big }))
      .catch((e) => e);
    expect(err.name).toBe('ValidationException');
    expect(err.message).toMatch(/limit is 100000/);
  });
});
