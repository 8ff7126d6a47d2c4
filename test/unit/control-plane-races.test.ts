/**
 * Concurrent control-plane changes of one tenant: a check (is the name free? what versions exist?) and the write it
 * decides must not be split by another request's change. Each test forces the interleaving that split them with a
 * gate, not with timing: the first request's write is held until the second request has read the store (or, once
 * changes are serialised, until the second request is queued behind the first). As in the API, every request has its
 * own store object over the same QUARRY_HOME.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBlueprint, createBlueprintVersion, getBlueprint } from '../../control-plane/blueprints.ts';
import type { ControlPlane } from '../../control-plane/context.ts';
import { createProject } from '../../control-plane/projects.ts';
import { ControlPlaneStore } from '../../control-plane/store.ts';
import type { StoredBlueprint, StoredProject } from '../../schemas/control-plane.ts';

const schema = JSON.stringify({
  class: 'Invoice',
  properties: { Total: { type: 'number', inferenceType: 'explicit', instruction: 'Total' } },
});

/** Shared by the two requests' stores: opens when the second request has read the store or is queued. */
class Gate {
  private reads = 0;
  private entered = 0;
  private puts = 0;
  private open!: () => void;
  readonly opened = new Promise<void>((r) => {
    this.open = r;
  });
  read() {
    if (++this.reads === 2) this.open();
  }
  enter() {
    if (++this.entered === 2) this.open();
  }
  /** the first write waits for the gate; later ones do not */
  beforeWrite(): Promise<void> | undefined {
    return this.puts++ === 0 ? this.opened : undefined;
  }
}

class GatedStore extends ControlPlaneStore {
  constructor(
    home: string,
    private readonly gate: Gate,
  ) {
    super(home);
  }
  async listBlueprints(tenant: string) {
    const r = await super.listBlueprints(tenant);
    this.gate.read();
    return r;
  }
  async getBlueprint(tenant: string, arn: string) {
    const r = await super.getBlueprint(tenant, arn);
    this.gate.read();
    return r;
  }
  async listProjects(tenant: string) {
    const r = await super.listProjects(tenant);
    this.gate.read();
    return r;
  }
  async putBlueprint(tenant: string, b: StoredBlueprint) {
    await this.gate.beforeWrite();
    return super.putBlueprint(tenant, b);
  }
  async putProject(tenant: string, p: StoredProject) {
    await this.gate.beforeWrite();
    return super.putProject(tenant, p);
  }
  /** a request that waits for the tenant's changes to be its turn counts as having come second */
  change<T>(tenant: string, kind: 'blueprints' | 'projects', fn: () => Promise<T>): Promise<T> {
    this.gate.enter();
    return super.change(tenant, kind, fn);
  }
}

let home: string;
let gate: Gate;
/** one request's view of the control plane, as the API builds it */
const request = (): ControlPlane => ({
  store: new GatedStore(home, gate),
  tenant: 'default',
  region: 'us-east-1',
  accountId: '123456789012',
});

beforeEach(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-cp-races-'));
  gate = new Gate();
});
afterEach(async () => {
  await fs.rm(home, { recursive: true, force: true });
});

describe('concurrent control-plane changes of one tenant', () => {
  it('a CreateBlueprint retried while the first is still running creates one blueprint, and both get it', async () => {
    const create = () => createBlueprint(request(), { blueprintName: 'inv', type: 'DOCUMENT', schema, clientToken: 't-1' });
    const [a, b] = await Promise.all([create(), create()]);
    const all = await new ControlPlaneStore(home).listBlueprints('default');
    expect(all.map((x) => x.blueprintName)).toEqual(['inv']);
    expect(b.blueprint.blueprintArn).toBe(a.blueprint.blueprintArn);
  });

  it('two CreateBlueprint of one name with different tokens: one creates it, the other is a ConflictException', async () => {
    const create = (clientToken: string) =>
      createBlueprint(request(), { blueprintName: 'inv', type: 'DOCUMENT', schema, clientToken });
    const outcomes = await Promise.allSettled([create('t-1'), create('t-2')]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find((o) => o.status === 'rejected')?.reason).toMatchObject({ type: 'ConflictException' });
    expect(await new ControlPlaneStore(home).listBlueprints('default')).toHaveLength(1);
  });

  it('two CreateBlueprintVersion at once make versions 1 and 2 (no version is lost)', async () => {
    const { blueprint } = await createBlueprint(
      { ...request(), store: new ControlPlaneStore(home) },
      { blueprintName: 'inv', type: 'DOCUMENT', schema },
    );
    const arn = blueprint.blueprintArn;
    const made = await Promise.all([createBlueprintVersion(request(), arn), createBlueprintVersion(request(), arn)]);
    expect(made.map((m) => m.blueprint.blueprintVersion).sort()).toEqual(['1', '2']);
    const cp = { ...request(), store: new ControlPlaneStore(home) };
    for (const v of ['1', '2']) expect((await getBlueprint(cp, arn, { blueprintVersion: v })).blueprint.blueprintVersion).toBe(v);
  });

  it('two CreateDataAutomationProject of one name with different tokens: one project, one ConflictException', async () => {
    const create = (clientToken: string) =>
      createProject(request(), { projectName: 'p', standardOutputConfiguration: {}, clientToken });
    const outcomes = await Promise.allSettled([create('t-1'), create('t-2')]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await new ControlPlaneStore(home).listProjects('default')).toHaveLength(1);
  });
});
