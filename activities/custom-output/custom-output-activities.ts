/**
 * The blueprint shaping activity: reads a segment's standard output, resolves the job's blueprints (catalog
 * public ARNs, user blueprints from the control plane, or a project's custom output configuration), splits
 * packets when asked, matches each part to a blueprint, extracts, scores and grounds the fields, and writes
 * `<assetOutputUri>/custom_output/<segment>/result.json` (+ per-segment standard output when splitting).
 */
import { Context } from '@temporalio/activity';
import { resolveBlueprint, resolveProject } from '../../control-plane/resolve.ts';
import { shapeDocument } from '../../blueprints/apply.ts';
import { calibration } from '../../blueprints/calibration.ts';
import { type Blueprint, BlueprintSchemaError, parseBlueprint } from '../../blueprints/dialect.ts';
import { type LayoutDocument, layoutFromStandardOutput } from '../../blueprints/layout.ts';
import type { MatchCandidate } from '../../blueprints/match.ts';
import { buildCustomOutput, scoreResult } from '../../blueprints/output.ts';
import type { ApplyBlueprintsInput, SegmentResult } from '../../schemas/pipeline.ts';
import type { ActivityDeps } from '../deps.ts';
import { clientError } from '../../engines/client-error.ts';
import { configuredProvider } from '../../engines/language/configured.ts';
import { joinUri } from '../../engines/storage/storage.ts';
import { fillWithProvider } from './provider-fields.ts';

type Json = Record<string, unknown>;

function heartbeat(details?: unknown) {
  try {
    Context.current().heartbeat(details);
  } catch {
    /* called outside an activity (tests) */
  }
}

/** The part of a document standard output on some pages (for a split segment's own standard output). */
export function standardOutputForPages(output: Json, pageIndices: number[], segment: number): Json {
  const set = new Set(pageIndices);
  const onPages = (x: Json) => {
    const pi = x.page_index;
    if (typeof pi === 'number') return set.has(pi);
    const pis = x.page_indices;
    if (Array.isArray(pis)) return pis.some((p) => set.has(p as number));
    return true;
  };
  const filter = (k: string) => (Array.isArray(output[k]) ? { [k]: (output[k] as Json[]).filter(onPages) } : {});
  const meta = (output.metadata ?? {}) as Json;
  const elements = Array.isArray(output.elements) ? (output.elements as Json[]).filter(onPages) : undefined;
  const text = (elements ?? [])
    .map((e) => ((e.representation ?? {}) as Json).text ?? ((e.representation ?? {}) as Json).markdown ?? '')
    .filter(Boolean)
    .join('\n\n');
  return {
    ...output,
    metadata: {
      ...meta,
      logical_subdocument_id: String(segment),
      number_of_pages: pageIndices.length,
      start_page_index: Math.min(...pageIndices),
      end_page_index: Math.max(...pageIndices),
    },
    document: { ...((output.document ?? {}) as Json), ...(text ? { representation: { text, markdown: text } } : {}) },
    ...filter('pages'),
    ...(elements ? { elements } : {}),
    ...filter('text_lines'),
    ...filter('text_words'),
  };
}

function layoutOf(output: Json): LayoutDocument {
  // document output keeps words at the top level; image/video outputs nest them under their modality key
  for (const inner of [output, output.image, output.video] as unknown[]) {
    const l = layoutFromStandardOutput(inner);
    if (l.lines.length) return l;
  }
  return layoutFromStandardOutput(output);
}

export function createShapeActivities(deps: ActivityDeps) {
  const { config, storage } = deps;

  async function candidatesFor(input: ApplyBlueprintsInput) {
    let refs: { blueprintArn: string; blueprintVersion?: string; blueprintStage?: 'DEVELOPMENT' | 'LIVE' }[] =
      input.blueprints.map((b) => ({
        blueprintArn: b.blueprintArn,
        blueprintVersion: b.version,
        blueprintStage: b.stage,
      }));
    let fallbackRefs: typeof refs = [];
    let splitter = input.splitter;
    if (input.projectArn) {
      const p = await resolveProject(config, input.projectArn, input.projectStage);
      if (!p)
        throw clientError(
          'ResourceNotFound',
          `data automation project ${input.projectArn} (${input.projectStage ?? 'LIVE'}) was not found`,
        );
      if (!refs.length) refs = p.customOutputConfiguration?.blueprints ?? [];
      fallbackRefs = p.customOutputConfiguration?.document?.fallbackBlueprints ?? [];
      if (p.overrideConfiguration?.document?.splitter?.state === 'ENABLED') splitter = true;
    }
    const load = async (ref: (typeof refs)[number]): Promise<MatchCandidate & { type: string }> => {
      const r = await resolveBlueprint(config, ref);
      if (!r) throw clientError('ResourceNotFound', `blueprint ${ref.blueprintArn} was not found`);
      let blueprint: Blueprint;
      try {
        blueprint = parseBlueprint(r.schema, { modality: r.type, name: r.name });
      } catch (e) {
        if (e instanceof BlueprintSchemaError) throw clientError('BlueprintSchemaError', `${r.arn}: ${e.message}`);
        throw e;
      }
      return { arn: r.arn, name: r.name, version: r.version, blueprint, type: r.type };
    };
    const all = await Promise.all(refs.map(load));
    const candidates = all.filter((c) => c.type === input.modality);
    const fallback = (await Promise.all(fallbackRefs.map(load))).find((c) => c.type === input.modality);
    return { candidates, fallback, splitter: splitter && input.modality === 'DOCUMENT' };
  }

  async function applyBlueprints(input: ApplyBlueprintsInput): Promise<SegmentResult[]> {
    const { candidates, fallback, splitter } = await candidatesFor(input);
    if (!candidates.length && !fallback)
      return input.segments.map((s) => ({ ...s, customOutputStatus: 'NO_MATCH' as const }));
    const provider = configuredProvider(config.generative);
    const out: SegmentResult[] = [];
    for (const segment of input.segments) {
      heartbeat({ segment: segment.segmentIndex });
      const standard = await storage.readJson<Json>(segment.standardOutputUri);
      const doc = layoutOf(standard);
      const shaped = shapeDocument({ candidates, fallback, doc, splitter: splitter && input.segments.length === 1 });
      for (const [k, part] of shaped.entries()) {
        const index = shaped.length > 1 ? out.length : segment.segmentIndex;
        let standardOutputUri = segment.standardOutputUri;
        if (shaped.length > 1) {
          standardOutputUri = joinUri(input.assetOutputUri, 'standard_output', index, 'result.json');
          await storage.writeJson(standardOutputUri, standardOutputForPages(standard, part.pageIndices, index));
        }
        if (!part.matched || !part.nodes) {
          out.push({ segmentIndex: index, standardOutputUri, customOutputStatus: 'NO_MATCH' });
          continue;
        }
        let providerName: string | undefined;
        if (provider) {
          try {
            const n = await fillWithProvider(part.matched.blueprint, part.nodes, part.doc, provider, undefined, {
              crossCheck: config.generative.crossCheck,
            });
            if (n.filled || n.checked) providerName = provider.name;
          } catch (e) {
            // a provider outage leaves inferred fields null with the reason, it does not fail the job
            for (const node of part.nodes)
              if (node.kind === 'value' && node.value === null)
                node.reason = `generative provider failed: ${(e as Error).message}`;
          }
        }
        const rules = scoreResult(part.nodes, calibration);
        const custom = buildCustomOutput({
          matched: part.matched,
          blueprint: part.matched.blueprint,
          nodes: part.nodes,
          pageIndices: part.pageIndices,
          rules,
          provider: providerName,
        });
        const customOutputUri = joinUri(input.assetOutputUri, 'custom_output', index, 'result.json');
        await storage.writeJson(customOutputUri, custom);
        out.push({ segmentIndex: index, standardOutputUri, customOutputUri, customOutputStatus: part.status });
        heartbeat({ segment: segment.segmentIndex, part: k });
      }
    }
    return out;
  }

  return { applyBlueprints };
}
export type ShapeActivities = ReturnType<typeof createShapeActivities>;
