/**
 * From extracted fields to BDA's custom output (`custom_output/<n>/result.json`): scores every value, refuses
 * to pass off an ungrounded explicit value (success: false, low confidence, a reason), and builds
 * `inference_result` + `explainability_info` (geometry pages 1-based, camelCase `boundingBox`, as BDA). Audio
 * and video values carry the time they were spoken instead, in BDA's own words for a time
 * (`start_timestamp_millis` / `end_timestamp_millis`), and the output has BDA's audio/video shape: `metadata`
 * with the languages, no document class or page split.
 */

import { type Box, unionBox } from '../schemas/box.ts';
import { applyCalibration, type CalibrationMap, confidenceOf } from './confidence.ts';
import type { Blueprint, Field } from './dialect.ts';
import { allValues, type FieldValue, type ResultNode } from './evidence.ts';
import { applyRules, type RuleOutcome } from './rules.ts';
import { timeSpanOf } from './transcript-layout.ts';

/** Highest confidence an explicit value may have when it could not be found in the source words. */
export const UNGROUNDED_CAP = 0.05;

export function scoreResult(nodes: ResultNode[], calibration?: CalibrationMap): RuleOutcome[] {
  const rules = applyRules(nodes);
  for (const v of allValues(nodes)) {
    if (v.value === null) {
      v.confidence = 0;
      continue;
    }
    v.confidence = confidenceOf(v.features, calibration);
    if (v.inferenceType === 'explicit' && !v.grounded) {
      v.confidence = Math.min(v.confidence, UNGROUNDED_CAP);
      v.reason ??= 'value could not be found in the source words (not grounded)';
    }
  }
  return rules;
}

interface Geometry {
  page: number;
  boundingBox: Box;
}

/** One box per page the value's words are on (pages 1-based). */
export function geometryOf(v: FieldValue): Geometry[] {
  const byPage = new Map<number, Box[]>();
  for (const w of v.words) byPage.set(w.page, [...(byPage.get(w.page) ?? []), w.box]);
  return [...byPage.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([page, boxes]) => {
      const b = unionBox(boxes);
      const r = (x: number) => Math.round(x * 1e5) / 1e5;
      return {
        page: page + 1,
        boundingBox: { left: r(b.left), top: r(b.top), width: r(b.width), height: r(b.height) },
      };
    });
}

/** Where a value was spoken (audio/video): the span of its words on the recording, when it has timed words. */
export function timeOf(v: FieldValue): { start_timestamp_millis: number; end_timestamp_millis: number } | null {
  const span = timeSpanOf(v.words);
  return span ? { start_timestamp_millis: span.startMs, end_timestamp_millis: span.endMs } : null;
}

/** What a value's evidence is: a place on a page (documents, images) or a time on a recording (audio, video). */
type EvidenceKind = 'page' | 'time';

function explain(v: FieldValue, evidence: EvidenceKind) {
  const success = v.value !== null && (v.inferenceType === 'inferred' || v.grounded);
  return {
    success,
    confidence: v.confidence,
    value: v.value,
    type: v.type,
    ...(evidence === 'time'
      ? (timeOf(v) ?? {})
      : v.inferenceType === 'explicit' || v.words.length
        ? { geometry: geometryOf(v) }
        : {}),
    ...(v.reason ? { reason: v.reason } : {}),
    // Quarry extra: which engine wrote the value
    engine: v.features.source === 'model' ? 'model' : v.features.source === 'none' ? 'none' : 'layout',
  };
}

type Json = null | string | number | boolean | Json[] | { [k: string]: Json };

function inference(nodes: readonly ResultNode[]): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const n of nodes) {
    if (n.kind === 'value') out[n.name] = n.value;
    else if (n.kind === 'list') out[n.name] = n.items.map((i) => i.value);
    else if (n.kind === 'group') out[n.name] = inference(n.children);
    else out[n.name] = n.rows.map((r) => inference(r.children));
  }
  return out;
}

/** Mean confidence of a row's cells that have a value (0 for an empty row). */
export function rowConfidence(children: readonly ResultNode[]): number {
  const vs = [...allValues(children)].filter((v) => v.value !== null);
  return vs.length ? Math.round((vs.reduce((a, v) => a + v.confidence, 0) / vs.length) * 1e4) / 1e4 : 0;
}

function explainability(nodes: readonly ResultNode[], evidence: EvidenceKind): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const n of nodes) {
    if (n.kind === 'value') out[n.name] = explain(n, evidence) as unknown as Json;
    else if (n.kind === 'list') out[n.name] = n.items.map((i) => explain(i, evidence) as unknown as Json);
    else if (n.kind === 'group') out[n.name] = explainability(n.children, evidence);
    else
      out[n.name] = n.rows.map((r) => ({
        ...explainability(r.children, evidence),
        // Quarry extra (BDA has no room for it): a confidence per table row, however long the table
        _row_confidence: rowConfidence(r.children),
      }));
  }
  return out;
}

export interface MatchedBlueprint {
  arn: string;
  name: string;
  version?: string;
  confidence: number;
}

/** BDA's `metadata` of an audio or video custom output. */
export interface RecordingMetadata {
  dominant_asset_language: string;
  generative_output_language: string;
}

export function buildCustomOutput(args: {
  matched: MatchedBlueprint;
  blueprint: Blueprint;
  nodes: ResultNode[];
  pageIndices: number[];
  rules?: RuleOutcome[];
  /** the generative engine that read the fields (absent: the layout pass alone) */
  model?: string;
  /** what the reader wants to know about how the fields were read (e.g. the lines a long document's model saw) */
  note?: string;
  /** the asset's modality (absent: DOCUMENT); AUDIO and VIDEO values carry times, not page and box */
  modality?: 'DOCUMENT' | 'IMAGE' | 'AUDIO' | 'VIDEO';
  /** AUDIO/VIDEO: the languages, when the standard output has them */
  metadata?: RecordingMetadata;
}) {
  const recording = args.modality === 'AUDIO' || args.modality === 'VIDEO';
  return {
    ...(recording && args.metadata ? { metadata: args.metadata } : {}),
    matched_blueprint: {
      arn: args.matched.arn,
      name: args.matched.name,
      ...(args.matched.version ? { version: args.matched.version } : {}),
      confidence: args.matched.confidence,
    },
    ...(recording
      ? {}
      : { document_class: { type: args.blueprint.class }, split_document: { page_indices: args.pageIndices } }),
    inference_result: inference(args.nodes),
    explainability_info: [explainability(args.nodes, recording ? 'time' : 'page')],
    // Quarry extras: how the values were produced and which validation rules were checked
    quarry: {
      extraction: args.model ? `model:${args.model}` : 'layout',
      ...(args.note ? { note: args.note } : {}),
      rules: args.rules ?? [],
    },
  };
}
export type CustomOutput = ReturnType<typeof buildCustomOutput>;

/**
 * Checks an inference_result against its blueprint: every field present, of its declared type or null,
 * lists as arrays of that type, tables as arrays of row objects. Returns the JSON pointers that are wrong.
 */
export function validateInferenceResult(fields: readonly Field[], value: unknown, at = ''): string[] {
  const errors: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at || '/'}: expected an object`];
  const obj = value as Record<string, unknown>;
  const prim = (t: string, v: unknown) =>
    v === null ||
    (t === 'string'
      ? typeof v === 'string'
      : t === 'boolean'
        ? typeof v === 'boolean'
        : t === 'integer'
          ? Number.isInteger(v)
          : typeof v === 'number');
  for (const f of fields) {
    const p = `${at}/${f.name}`;
    const v = obj[f.name];
    if (!(f.name in obj)) errors.push(`${p}: missing`);
    else if (f.kind === 'leaf' && !prim(f.type, v)) errors.push(`${p}: expected ${f.type}`);
    else if (f.kind === 'list' && (!Array.isArray(v) || v.some((x) => !prim(f.itemType, x))))
      errors.push(`${p}: expected ${f.itemType}[]`);
    else if (f.kind === 'group') errors.push(...validateInferenceResult(f.fields, v, p));
    else if (f.kind === 'table') {
      if (!Array.isArray(v)) errors.push(`${p}: expected an array of rows`);
      else for (const [i, row] of v.entries()) errors.push(...validateInferenceResult(f.columns, row, `${p}/${i}`));
    }
  }
  return errors;
}

export { applyCalibration };
