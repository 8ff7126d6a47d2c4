/**
 * `quarry blueprints …`: list, show, validate, create, delete blueprints and write one from a sentence.
 * Works on the same durable control-plane store the API serves (QUARRY_HOME/control-plane).
 */
import { promises as fs } from 'node:fs';
import type { Command } from 'commander';
import { resolveBlueprint } from '../control-plane/resolve.ts';
import { ControlPlaneStore } from '../control-plane/store.ts';
import { CATALOG, publicBlueprintArn } from '../blueprints/catalog.ts';
import { type BlueprintModality, BlueprintSchemaError, leafPaths, parseBlueprint } from '../blueprints/dialect.ts';
import { blueprintFromTextWithProvider } from '../engines/language/blueprint-from-text.ts';
import { configuredProvider } from '../engines/language/configured.ts';
import { loadConfig } from '../schemas/config.ts';

export function registerBlueprintCommands(program: Command): void {
  const bp = program.command('blueprints').description('manage blueprints (custom output schemas)');

  bp.command('list')
    .description('built-in catalog blueprints and your own')
    .action(async () => {
      const config = loadConfig();
      for (const e of CATALOG)
        console.log(`${publicBlueprintArn(config.region, e.name)}\t${e.modality}\t${e.displayName}`);
      for (const b of await new ControlPlaneStore(config.home).listBlueprints()) {
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
      const r = await resolveBlueprint(loadConfig(), {
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
    .description('store a blueprint (DEVELOPMENT stage unless --stage LIVE)')
    .option('--type <modality>', 'DOCUMENT, IMAGE, AUDIO or VIDEO', 'DOCUMENT')
    .option('--stage <stage>', 'DEVELOPMENT or LIVE', 'DEVELOPMENT')
    .action(async (name: string, file: string, o: { type: BlueprintModality; stage: 'DEVELOPMENT' | 'LIVE' }) => {
      const config = loadConfig();
      const schema = await fs.readFile(file, 'utf8');
      try {
        parseBlueprint(schema, { modality: o.type });
      } catch (e) {
        console.error((e as Error).message);
        process.exitCode = 1;
        return;
      }
      const store = new ControlPlaneStore(config.home);
      if ((await store.listBlueprints()).some((b) => b.blueprintName === name)) {
        console.error(`a blueprint named ${name} already exists`);
        process.exitCode = 1;
        return;
      }
      const t = new Date().toISOString();
      const arn = `arn:aws:bedrock:${config.region}:${config.accountId}:blueprint/${ControlPlaneStore.newId()}`;
      await store.putBlueprint({
        blueprintArn: arn,
        blueprintName: name,
        type: o.type,
        creationTime: t,
        stages: { [o.stage]: { schema, lastModifiedTime: t } },
        versions: {},
      });
      console.log(arn);
    });

  bp.command('delete <arn>')
    .description('delete a stored blueprint')
    .action(async (arn: string) => {
      await new ControlPlaneStore(loadConfig().home).deleteBlueprint(arn);
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
