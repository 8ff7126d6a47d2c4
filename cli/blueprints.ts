/**
 * `quarry blueprints …`: list, show, validate, create, delete blueprints and write one from a sentence.
 * The same control-plane calls the API serves, on the same store (QUARRY_HOME/control-plane), as tenant 'default'.
 */
import { promises as fs } from 'node:fs';
import type { Command } from 'commander';
import { CATALOG, publicBlueprintArn } from '../blueprints/catalog.ts';
import { type BlueprintModality, BlueprintSchemaError, leafPaths, parseBlueprint } from '../blueprints/dialect.ts';
import { createBlueprint, deleteBlueprint } from '../control-plane/blueprints.ts';
import { controlPlaneFor } from '../control-plane/context.ts';
import { resolveBlueprint } from '../control-plane/resolve.ts';
import { DEFAULT_TENANT } from '../control-plane/store.ts';
import { CreateBlueprintRequest } from '../schemas/control-plane.ts';
import { BdaError } from '../schemas/errors.ts';
import { blueprintFromTextWithProvider } from '../engines/language/blueprint-from-text.ts';
import { configuredProvider } from '../engines/language/configured.ts';
import { loadConfig } from '../schemas/config.ts';

/** The CLI is the local operator: it acts as the 'default' tenant (the one dev-mode API requests act as). */
const controlPlane = () => controlPlaneFor(loadConfig(), DEFAULT_TENANT);

/** Runs a control-plane call; a rule it breaks (BdaError) is printed and sets exit code 1. */
async function report(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (!(e instanceof BdaError)) throw e;
    console.error(e.message);
    process.exitCode = 1;
  }
}

export function registerBlueprintCommands(program: Command): void {
  const bp = program.command('blueprints').description('manage blueprints (custom output schemas)');

  bp.command('list')
    .description('built-in catalog blueprints and your own')
    .action(async () => {
      const cp = controlPlane();
      for (const e of CATALOG) console.log(`${publicBlueprintArn(cp.region, e.name)}\t${e.modality}\t${e.displayName}`);
      for (const b of await cp.store.listBlueprints(cp.tenant)) {
        console.log(
          `${b.blueprintArn}\t${b.type}\t${b.blueprintName}\tstages: ${Object.keys(b.stages).join(',')}\tversions: ${Object.keys(b.versions).join(',') || '-'}`,
        );
      }
    });

  bp.command('show <ref>')
    .description('print a blueprint schema (ARN, catalog name such as "invoice")')
    .option('--stage <stage>', 'DEVELOPMENT or LIVE')
    .option('--blueprint-version <n>', 'an immutable version')
    .action(async (ref: string, o: { stage?: 'DEVELOPMENT' | 'LIVE'; blueprintVersion?: string }) => {
      const r = await resolveBlueprint(controlPlane(), {
        blueprintArn: ref,
        blueprintStage: o.stage,
        blueprintVersion: o.blueprintVersion,
      });
      if (!r) {
        console.error(`no blueprint ${ref}`);
        process.exitCode = 1;
        return;
      }
      console.log(JSON.stringify(JSON.parse(r.schema), null, 2));
    });

  bp.command('validate <file>')
    .description('check a blueprint schema file against BDA’s dialect and limits')
    .option('--type <modality>', 'DOCUMENT, IMAGE, AUDIO or VIDEO', 'DOCUMENT')
    .action(async (file: string, o: { type: BlueprintModality }) => {
      try {
        const b = parseBlueprint(await fs.readFile(file, 'utf8'), { modality: o.type });
        console.log(
          `valid: class ${b.class}, ${b.counts.leafFields} leaf fields (${b.counts.listLeafFields} in lists)`,
        );
        for (const l of leafPaths(b.fields))
          console.log(
            `  ${l.path.join('.')}\t${l.field.kind === 'leaf' ? l.field.type : `${l.field.itemType}[]`}\t${l.field.inferenceType}`,
          );
      } catch (e) {
        if (!(e instanceof BlueprintSchemaError)) throw e;
        console.error(e.message);
        process.exitCode = 1;
      }
    });

  bp.command('create <name> <file>')
    .description('store a blueprint (LIVE stage unless --stage DEVELOPMENT), as CreateBlueprint does')
    .option('--type <modality>', 'DOCUMENT, IMAGE, AUDIO or VIDEO', 'DOCUMENT')
    .option('--stage <stage>', 'DEVELOPMENT or LIVE (default LIVE: what a reference without a stage runs)')
    .action(async (name: string, file: string, o: { type: BlueprintModality; stage?: 'DEVELOPMENT' | 'LIVE' }) => {
      const schema = await fs.readFile(file, 'utf8');
      const r = CreateBlueprintRequest.safeParse({ blueprintName: name, type: o.type, schema, blueprintStage: o.stage });
      if (!r.success) {
        console.error(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
        process.exitCode = 1;
        return;
      }
      await report(async () => {
        const { blueprint } = await createBlueprint(controlPlane(), r.data);
        console.log(blueprint.blueprintArn);
      });
    });

  bp.command('delete <arn>')
    .description('delete a stored blueprint')
    .action(async (arn: string) => {
      await report(async () => {
        await deleteBlueprint(controlPlane(), arn);
      });
    });

  bp.command('from-text <sentence...>')
    .description(
      'write a blueprint from a sentence, e.g. "a blueprint for invoices with tax, dueDate and ReceiptDate"; with a generative provider configured (QUARRY_GENERATIVE_PROVIDER) it writes the instructions and adds usual fields',
    )
    .option('--no-provider', 'the deterministic draft only, even with a provider configured')
    .action(async (words: string[], o: { provider: boolean }) => {
      const provider = o.provider ? configuredProvider(loadConfig().generative) : null;
      const draft = await blueprintFromTextWithProvider(words.join(' '), provider);
      if (draft.note) console.error(draft.note);
      else console.error(`enriched by ${draft.enrichedBy}`);
      console.log(JSON.stringify(draft.schema, null, 2));
    });
}
