/**
 * The blueprint shaping activity: reads a segment's standard output, takes the job's blueprints as resolved at
 * submit (job-blueprints.ts), splits packets when asked, matches each part to a blueprint, extracts, scores and
 * grounds the fields, and writes
 * `<assetOutputUri>/custom_output/<segment>/result.json` (+ per-segment standard output when splitting).
 */
import { applySensitiveData } from '../../engines/language/sensitive-data-output.ts';
import type { SensitiveDataConfiguration } from '../../schemas/output-configuration.ts';
import { shapeDocument } from '../../blueprints/apply.ts';
import { calibration } from '../../blueprints/calibration.ts';
import { BlueprintSchemaError, parseBlueprint } from '../../blueprints/dialect.ts';
import { layoutFromStandardOutput } from '../../blueprints/layout.ts';
import type { MatchCandidate } from '../../blueprints/match.ts';
import { buildCustomOutput, type RecordingMetadata, scoreResult } from '../../blueprints/output.ts';
import { clientError } from '../../engines/client-error.ts';
import { configuredProvider } from '../../engines/language/configured.ts';
import type { DocumentStandardOutput } from '../../schemas/document-output.ts';
import { BlueprintWords } from '../../schemas/document-output.ts';
import {
  blueprintLayoutUri,
  customOutputUri as customOutputUriOf,
  standardOutputUri as standardOutputUriOf,
} from '../../schemas/output-location.ts';
import type { ApplyBlueprintsInput, ResolvedBlueprint, SegmentResult } from '../../schemas/pipeline.ts';
import { parseStandardOutput, type StandardOutput } from '../../schemas/standard-output.ts';
import type { ActivityDeps } from '../deps.ts';
import { reportProgress } from '../heartbeat.ts';
import { blueprintsForJob, type OldJobResolver } from './job-blueprints.ts';
import { readWithModel } from './model-fields.ts';

/** The part of a document standard output on some pages (for a split segment's own standard output). */
export function standardOutputForPages(
  output: DocumentStandardOutput,
  pageIndices: number[],
  segment: number,
): DocumentStandardOutput {
  const set = new Set(pageIndices);
  const elements = output.elements?.filter((e) => e.page_indices.some((p) => set.has(p)));
  const text = (elements ?? [])
    .map((e) => e.representation?.text ?? e.representation?.markdown ?? '')
    .filter(Boolean)
    .join('\n\n');
  return {
    ...output,
    metadata: {
      ...output.metadata,
      logical_subdocument_id: String(segment),
      number_of_pages: pageIndices.length,
      start_page_index: Math.min(...pageIndices),
      end_page_index: Math.max(...pageIndices),
    },
    document: { ...output.document, ...(text ? { representation: { text, markdown: text } } : {}) },
    ...(output.pages ? { pages: output.pages.filter((x) => set.has(x.page_index)) } : {}),
    ...(elements ? { elements } : {}),
    ...(output.text_lines ? { text_lines: output.text_lines.filter((x) => set.has(x.page_index)) } : {}),
    ...(output.text_words ? { text_words: output.text_words.filter((x) => set.has(x.page_index)) } : {}),
  };
}

/** BDA's audio/video custom output `metadata`: the languages, as the standard output states them. */
function languagesOf(standard: StandardOutput): RecordingMetadata | undefined {
  const m = standard.metadata as Record<string, unknown>;
  if (typeof m.dominant_asset_language !== 'string') return undefined;
  return {
    dominant_asset_language: m.dominant_asset_language,
    generative_output_language:
      typeof m.generative_output_language === 'string' ? m.generative_output_language : 'DEFAULT',
  };
}

/** Custom output under the sensitive-data configuration: its values searched (and masked), with the report. */
function withSensitiveData<T extends object>(custom: T, config: SensitiveDataConfiguration) {
  const { output, report } = applySensitiveData(custom, config);
  return { ...output, sensitive_data: report };
}

/** `resolveOldJob`: how a job submitted before blueprints were resolved at submit finds them (the worker's). */
export function createCustomOutputActivities(deps: ActivityDeps, resolveOldJob: OldJobResolver) {
  const { config, storage } = deps;

  async function candidatesFor(input: ApplyBlueprintsInput) {
    const resolved = await blueprintsForJob(deps, input, resolveOldJob);
    const candidate = (r: ResolvedBlueprint): MatchCandidate => {
      try {
        const blueprint = parseBlueprint(r.schema, { modality: r.type, name: r.blueprintName });
        return { arn: r.blueprintArn, name: r.blueprintName, version: r.blueprintVersion, blueprint };
      } catch (e) {
        if (e instanceof BlueprintSchemaError)
          throw clientError('BlueprintSchemaError', `${r.blueprintArn}: ${e.message}`);
        throw e;
      }
    };
    const forThisAsset = (list: ResolvedBlueprint[]) => list.filter((b) => b.type === input.modality).map(candidate);
    return {
      candidates: forThisAsset(resolved.blueprints),
      fallback: forThisAsset(resolved.fallbackBlueprints)[0],
      splitter: resolved.splitter && input.modality === 'DOCUMENT',
      // a document's sensitive-data configuration, when its scope has CUSTOM
      sensitiveData: input.modality === 'DOCUMENT' ? resolved.sensitiveData : undefined,
    };
  }

  async function applyBlueprints(input: ApplyBlueprintsInput): Promise<SegmentResult[]> {
    const { candidates, fallback, splitter, sensitiveData } = await candidatesFor(input);
    if (!candidates.length && !fallback)
      return input.segments.map((s) => ({ ...s, customOutputStatus: 'NO_MATCH' as const }));
    const provider = configuredProvider(config.generative);
    const out: SegmentResult[] = [];
    // every word with its box, written by the document pipeline for blueprints (absent for other modalities)
    const layoutUri = blueprintLayoutUri(input.assetOutputUri);
    const wordsFile = input.segments.length === 1 && (await storage.exists(layoutUri)) ? layoutUri : undefined;
    for (const segment of input.segments) {
      reportProgress({ segment: segment.segmentIndex });
      const standard = parseStandardOutput(
        await storage.readJson(segment.standardOutputUri),
        segment.standardOutputUri,
      );
      const doc = layoutFromStandardOutput(
        wordsFile && standard.metadata.semantic_modality === 'DOCUMENT'
          ? { ...standard, text_words: BlueprintWords.parse(await storage.readJson(wordsFile)).text_words }
          : standard,
      );
      const shaped = shapeDocument({ candidates, fallback, doc, splitter: splitter && input.segments.length === 1 });
      for (const [k, part] of shaped.entries()) {
        const index = shaped.length > 1 ? out.length : segment.segmentIndex;
        let standardOutputUri = segment.standardOutputUri;
        if (shaped.length > 1) {
          standardOutputUri = standardOutputUriOf(input.assetOutputUri, index);
          await storage.writeJson(
            standardOutputUri,
            standardOutputForPages(standard as DocumentStandardOutput, part.pageIndices, index),
          );
        }
        if (!part.matched || !part.nodes) {
          out.push({ segmentIndex: index, standardOutputUri, customOutputStatus: 'NO_MATCH' });
          continue;
        }
        let nodes = part.nodes;
        let engine: string | undefined;
        let note: string | undefined;
        if (provider) {
          const read = await readWithModel(part.matched.blueprint, part.nodes, part.doc, provider);
          nodes = read.nodes;
          engine = read.engine ?? undefined;
          note = read.note;
        }
        const rules = scoreResult(nodes, calibration);
        const custom = buildCustomOutput({
          matched: part.matched,
          blueprint: part.matched.blueprint,
          nodes,
          pageIndices: part.pageIndices,
          rules,
          model: engine,
          note,
          modality: standard.metadata.semantic_modality,
          metadata: languagesOf(standard),
        });
        const customOutputUri = customOutputUriOf(input.assetOutputUri, index);
        await storage.writeJson(customOutputUri, sensitiveData ? withSensitiveData(custom, sensitiveData) : custom);
        out.push({ segmentIndex: index, standardOutputUri, customOutputUri, customOutputStatus: part.status });
        reportProgress({ segment: segment.segmentIndex, part: k });
      }
    }
    if (wordsFile) await storage.delete(wordsFile).catch(() => undefined);
    return out;
  }

  return { applyBlueprints };
}
export type CustomOutputActivities = ReturnType<typeof createCustomOutputActivities>;
