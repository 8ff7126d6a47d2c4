/**
 * The control-plane rules as plain calls (no HTTP): the tenant-keyed store, names, stages and versions, projects'
 * blueprint checks, resolution for a job, pagination; and the CLI's `blueprints create` going through the same call.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publicBlueprintArn } from '../../blueprints/catalog.ts';
import { registerBlueprintCommands } from '../../cli/blueprints.ts';
import {
  copyBlueprintStage,
  createBlueprint,
  createBlueprintVersion,
  deleteBlueprint,
  getBlueprint,
  listBlueprints,
  updateBlueprint,
} from '../../control-plane/blueprints.ts';
import { type ControlPlane, controlPlaneFor } from '../../control-plane/context.ts';
import { page } from '../../control-plane/pagination.ts';
import { createProject, getProject, listProjects, updateProject } from '../../control-plane/projects.ts';
import { resolveBlueprint, resolveCustomOutput, resolveProject } from '../../control-plane/resolve.ts';
import { nextVersion } from '../../control-plane/stages.ts';
import { loadConfig } from '../../schemas/config.ts';
import type { StoredBlueprint } from '../../schemas/control-plane.ts';

const schema = (cls: string, field = 'Total') =>
  JSON.stringify({
    class: cls,
    properties: { [field]: { type: 'number', inferenceType: 'explicit', instruction: field } },
  });
const standard = {};
const receipt = publicBlueprintArn('us-east-1', 'bedrock-data-automation-public-receipt');

let home: string;
let config: ReturnType<typeof loadConfig>;
let cp: ControlPlane;
let acme: ControlPlane;

beforeEach(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-cp-rules-'));
  config = loadConfig({ QUARRY_HOME: home, QUARRY_ACCOUNT_ID: '123456789012' });
  cp = controlPlaneFor(config, 'default');
  acme = controlPlaneFor(config, 'acme');
});
afterEach(async () => {
  await fs.rm(home, { recursive: true, force: true });
});

describe('the store, keyed by tenant', () => {
  it("a tenant never sees another tenant's blueprints or projects", async () => {
    const { blueprint } = await createBlueprint(cp, {
      blueprintName: 'inv',
      type: 'DOCUMENT',
      schema: schema('Invoice'),
    });
    const { projectArn } = await createProject(cp, {
      projectName: 'p',
      standardOutputConfiguration: standard,
      customOutputConfiguration: { blueprints: [{ blueprintArn: blueprint.blueprintArn }] },
    });
    expect(await acme.store.getBlueprint('acme', blueprint.blueprintArn)).toBeNull();
    expect(await acme.store.listBlueprints('acme')).toEqual([]);
    expect(await acme.store.getProject('acme', projectArn)).toBeNull();
    expect(await acme.store.listProjects('acme')).toEqual([]);
    await expect(getBlueprint(acme, blueprint.blueprintArn)).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
    });
    await expect(deleteBlueprint(acme, blueprint.blueprintArn)).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
    });
    await expect(getProject(acme, projectArn)).rejects.toMatchObject({ type: 'ResourceNotFoundException' });
    expect(await resolveProject(acme, projectArn)).toBeNull();
    expect(await resolveBlueprint(acme, { blueprintArn: blueprint.blueprintArn })).toBeNull();
    // nor can it point its own project at them
    await expect(
      createProject(acme, {
        projectName: 'p',
        standardOutputConfiguration: standard,
        customOutputConfiguration: { blueprints: [{ blueprintArn: blueprint.blueprintArn }] },
      }),
    ).rejects.toMatchObject({ type: 'ValidationException' });
    // names are per tenant: acme may use the same one
    await createBlueprint(acme, { blueprintName: 'inv', type: 'DOCUMENT', schema: schema('Invoice') });
    expect((await listBlueprints(cp)).blueprints).toHaveLength(1);
    expect((await listBlueprints(acme)).blueprints).toHaveLength(1);
    // the default tenant is still there, untouched
    expect((await getBlueprint(cp, blueprint.blueprintArn)).blueprint.blueprintName).toBe('inv');
  });

  it("'default' keeps the layout of before (records already on disk stay 'default's); others get their own folder", async () => {
    const { blueprint } = await createBlueprint(cp, { blueprintName: 'a', type: 'DOCUMENT', schema: schema('A') });
    const id = blueprint.blueprintArn.split('/').pop();
    await fs.access(path.join(home, 'control-plane', 'blueprints', `${id}.json`));
    const other = await createBlueprint(acme, { blueprintName: 'a', type: 'DOCUMENT', schema: schema('A') });
    const otherId = other.blueprint.blueprintArn.split('/').pop();
    await fs.access(path.join(home, 'control-plane', 'tenants', 'acme', 'blueprints', `${otherId}.json`));
    // a record written by the store before it was keyed by tenant is read as 'default'
    const legacy: StoredBlueprint = {
      blueprintArn: 'arn:aws:bedrock:us-east-1:123456789012:blueprint/0123456789ab',
      blueprintName: 'old',
      type: 'DOCUMENT',
      creationTime: new Date(0).toISOString(),
      stages: { LIVE: { schema: schema('Old'), lastModifiedTime: new Date(0).toISOString() } },
      versions: {},
    };
    await fs.writeFile(path.join(home, 'control-plane', 'blueprints', '0123456789ab.json'), JSON.stringify(legacy));
    expect((await getBlueprint(cp, legacy.blueprintArn)).blueprint.blueprintName).toBe('old');
    expect(await acme.store.getBlueprint('acme', legacy.blueprintArn)).toBeNull();
  });

  it('finds a record only by its exact ARN, and refuses tenant names that cannot be a folder', async () => {
    const { blueprint } = await createBlueprint(cp, { blueprintName: 'a', type: 'DOCUMENT', schema: schema('A') });
    const sameIdOtherAccount = blueprint.blueprintArn.replace('123456789012', '999999999999');
    expect(await cp.store.getBlueprint('default', sameIdOtherAccount)).toBeNull();
    expect(await cp.store.getBlueprint('default', 'arn:aws:bedrock:us-east-1:123456789012:blueprint/../x')).toBeNull();
    await expect(cp.store.listBlueprints('../default')).rejects.toThrow(/cannot name a control-plane folder/);
  });
});

describe('blueprint rules', () => {
  it('creates LIVE by default, is idempotent on the client token, refuses a taken name or a bad one', async () => {
    const r = {
      blueprintName: 'inv',
      type: 'DOCUMENT' as const,
      schema: schema('Invoice'),
      clientToken: 't'.repeat(33),
    };
    const first = await createBlueprint(cp, r);
    expect(first.blueprint.blueprintStage).toBe('LIVE');
    expect((await createBlueprint(cp, r)).blueprint.blueprintArn).toBe(first.blueprint.blueprintArn);
    await expect(createBlueprint(cp, { ...r, clientToken: undefined })).rejects.toMatchObject({
      type: 'ConflictException',
    });
    await expect(createBlueprint(cp, { ...r, blueprintName: 'no spaces' })).rejects.toMatchObject({
      type: 'ValidationException',
      fieldList: [{ name: 'blueprintName' }],
    });
    await expect(
      createBlueprint(cp, {
        ...r,
        blueprintName: 'bad',
        schema: JSON.stringify({ class: 'X', properties: { a: { type: 'money' } } }),
      }),
    ).rejects.toMatchObject({ type: 'ValidationException', message: /\/properties\/a\/type/ });
  });

  it('updates the current stage, versions the DEVELOPMENT work, copies stages, deletes one version', async () => {
    const { blueprint } = await createBlueprint(cp, {
      blueprintName: 'inv',
      type: 'DOCUMENT',
      blueprintStage: 'DEVELOPMENT',
      schema: schema('Invoice'),
    });
    const arn = blueprint.blueprintArn;
    expect(blueprint.blueprintStage).toBe('DEVELOPMENT');
    // no LIVE stage yet: an update without a stage goes to DEVELOPMENT, a LIVE read is not found
    expect((await updateBlueprint(cp, arn, { schema: schema('Invoice', 'Tax') })).blueprint.blueprintStage).toBe(
      'DEVELOPMENT',
    );
    await expect(getBlueprint(cp, arn, { blueprintStage: 'LIVE' })).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
    });
    const v1 = await createBlueprintVersion(cp, arn);
    expect(v1.blueprint).toMatchObject({ blueprintVersion: '1', schema: schema('Invoice', 'Tax') });
    expect((await createBlueprintVersion(cp, arn)).blueprint.blueprintVersion).toBe('2');
    await copyBlueprintStage(cp, arn, { sourceStage: 'DEVELOPMENT', targetStage: 'LIVE' });
    expect((await getBlueprint(cp, arn)).blueprint).toMatchObject({
      blueprintStage: 'LIVE',
      schema: schema('Invoice', 'Tax'),
    });
    await expect(
      copyBlueprintStage(
        cp,
        (await createBlueprint(cp, { blueprintName: 'x', type: 'DOCUMENT', schema: schema('X') })).blueprint
          .blueprintArn,
        {
          sourceStage: 'DEVELOPMENT',
          targetStage: 'LIVE',
        },
      ),
    ).rejects.toMatchObject({ type: 'ValidationException' });
    await deleteBlueprint(cp, arn, { blueprintVersion: '1' });
    await expect(getBlueprint(cp, arn, { blueprintVersion: '1' })).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
    });
    expect((await getBlueprint(cp, arn, { blueprintVersion: '2' })).blueprint.blueprintVersion).toBe('2');
    // version 3 follows the highest (2), not the count
    expect((await createBlueprintVersion(cp, arn)).blueprint.blueprintVersion).toBe('3');
  });

  it('allows at most 100 versions', () => {
    const snap = { schema: '{}', lastModifiedTime: '' };
    const b = {
      versions: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [String(i + 1), snap])),
    } as unknown as StoredBlueprint;
    expect(() => nextVersion(b)).toThrow(/at most 100 versions/);
  });

  it('lists the catalog as SERVICE, one summary per stage as ACCOUNT, filtered by stage and project', async () => {
    const a = await createBlueprint(cp, {
      blueprintName: 'a',
      type: 'DOCUMENT',
      blueprintStage: 'DEVELOPMENT',
      schema: schema('A'),
    });
    await copyBlueprintStage(cp, a.blueprint.blueprintArn, { sourceStage: 'DEVELOPMENT', targetStage: 'LIVE' });
    await createBlueprint(cp, { blueprintName: 'b', type: 'DOCUMENT', schema: schema('B') });
    expect(
      (await listBlueprints(cp, { resourceOwner: 'SERVICE' })).blueprints.some((b) => b.blueprintArn === receipt),
    ).toBe(true);
    expect((await listBlueprints(cp)).blueprints).toHaveLength(3);
    expect((await listBlueprints(cp, { blueprintStageFilter: 'DEVELOPMENT' })).blueprints).toHaveLength(1);
    const { projectArn } = await createProject(cp, {
      projectName: 'p',
      standardOutputConfiguration: standard,
      customOutputConfiguration: { blueprints: [{ blueprintArn: a.blueprint.blueprintArn }] },
    });
    const inProject = await listBlueprints(cp, { projectFilter: { projectArn } });
    expect(new Set(inProject.blueprints.map((b) => b.blueprintName))).toEqual(new Set(['a']));
  });
});

describe('project rules', () => {
  it('checks every named blueprint (naming the list it is in), keeps a configuration per stage, lists by blueprint', async () => {
    const missing = 'arn:aws:bedrock:us-east-1:123456789012:blueprint/000000000000';
    await expect(
      createProject(cp, {
        projectName: 'p',
        standardOutputConfiguration: standard,
        customOutputConfiguration: {
          blueprints: [{ blueprintArn: receipt }],
          document: { fallbackBlueprints: [{ blueprintArn: missing }] },
        },
      }),
    ).rejects.toMatchObject({
      fieldList: [{ name: 'customOutputConfiguration.document.fallbackBlueprints.0.blueprintArn' }],
    });
    const created = await createProject(cp, {
      projectName: 'p',
      standardOutputConfiguration: standard,
      customOutputConfiguration: { blueprints: [{ blueprintArn: receipt }] },
    });
    expect(created).toMatchObject({ projectStage: 'LIVE', status: 'COMPLETED' });
    await updateProject(cp, created.projectArn, { projectStage: 'DEVELOPMENT', standardOutputConfiguration: standard });
    expect((await getProject(cp, created.projectArn)).project.customOutputConfiguration?.blueprints).toHaveLength(1);
    expect(
      (await getProject(cp, created.projectArn, { projectStage: 'DEVELOPMENT' })).project.customOutputConfiguration,
    ).toBeUndefined();
    expect((await listProjects(cp)).projects).toHaveLength(2); // one summary per stage
    expect((await listProjects(cp, { blueprintFilter: { blueprintArn: receipt } })).projects).toHaveLength(1);
  });
});

describe('resolving what a job runs', () => {
  it("takes the request's blueprints before the project's, the project's fallback, and names what is missing", async () => {
    const { blueprint } = await createBlueprint(cp, {
      blueprintName: 'inv',
      type: 'DOCUMENT',
      schema: schema('Invoice'),
    });
    await createBlueprintVersion(cp, blueprint.blueprintArn);
    const project = {
      standardOutputConfiguration: standard,
      customOutputConfiguration: {
        blueprints: [{ blueprintArn: blueprint.blueprintArn, blueprintVersion: '1' }],
        document: { fallbackBlueprints: [{ blueprintArn: receipt }] },
      },
    };
    const fromProject = await resolveCustomOutput(cp, { blueprints: [], project, splitter: true });
    expect(fromProject.blueprints).toEqual([
      {
        blueprintArn: blueprint.blueprintArn,
        blueprintName: 'inv',
        blueprintVersion: '1',
        type: 'DOCUMENT',
        schema: schema('Invoice'),
      },
    ]);
    expect(fromProject.fallbackBlueprints.map((b) => b.blueprintName)).toEqual([
      'bedrock-data-automation-public-receipt',
    ]);
    expect(fromProject.splitter).toBe(true);
    const fromRequest = await resolveCustomOutput(cp, {
      blueprints: [{ blueprintArn: receipt }],
      project,
      splitter: false,
    });
    expect(fromRequest.blueprints.map((b) => b.blueprintArn)).toEqual([receipt]);
    await expect(
      resolveCustomOutput(cp, {
        blueprints: [{ blueprintArn: receipt }, { blueprintArn: blueprint.blueprintArn, version: '9' }],
        splitter: false,
      }),
    ).rejects.toMatchObject({ type: 'ResourceNotFoundException', fieldList: [{ name: 'blueprints[1].blueprintArn' }] });
  });
});

describe('pagination', () => {
  it('pages with an opaque token and refuses a forged one', () => {
    const items = Array.from({ length: 5 }, (_, i) => i);
    const p1 = page(items, 2);
    expect(p1.slice).toEqual([0, 1]);
    const p2 = page(items, 2, p1.nextToken);
    const p3 = page(items, 2, p2.nextToken);
    expect([p2.slice, p3.slice, p3.nextToken]).toEqual([[2, 3], [4], undefined]);
    expect(() => page(items, 2, 'not-a-number')).toThrow(/invalid nextToken/);
  });
});

describe('`quarry blueprints create`', () => {
  it('is the same CreateBlueprint call: LIVE by default, the name rules, a taken name refused', async () => {
    const file = path.join(home, 'inv.json');
    await fs.writeFile(file, schema('Invoice'));
    const saved = process.env.QUARRY_HOME;
    const savedExitCode = process.exitCode;
    process.env.QUARRY_HOME = home;
    const logs: string[] = [];
    const errors: string[] = [];
    const log = console.log;
    const error = console.error;
    console.log = (s: string) => logs.push(s);
    console.error = (s: string) => errors.push(s);
    const run = async (...args: string[]) => {
      const program = new Command();
      registerBlueprintCommands(program);
      await program.parseAsync(['node', 'quarry', 'blueprints', ...args]);
    };
    try {
      await run('create', 'inv', file);
      await run('create', 'inv', file);
      await run('create', 'bad name', file);
    } finally {
      console.log = log;
      console.error = error;
      process.env.QUARRY_HOME = saved;
      process.exitCode = savedExitCode;
    }
    const arn = logs[0];
    expect(
      (await getBlueprint(controlPlaneFor(loadConfig({ QUARRY_HOME: home }), 'default'), arn)).blueprint.blueprintStage,
    ).toBe('LIVE');
    expect(errors[0]).toMatch(/a blueprint named inv already exists/);
    expect(errors[1]).toMatch(/blueprintName/);
  });
});
