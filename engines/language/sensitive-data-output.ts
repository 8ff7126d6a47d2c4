/**
 * BDA's sensitive-data configuration applied to a written output (a document's standard output): every text the
 * reader sees (`text`, `markdown`, `html`, `csv`, summaries) is searched for the asked PII types; with
 * DETECTION_AND_REDACTION each finding is replaced by its mask. The output gains `sensitive_data`: the mode, which
 * asked types Quarry cannot detect (said, never guessed), and every entity with its type, page, where in the output
 * it was, its evidence and confidence — and its text only in DETECTION mode (a redacted output keeps no copy). Pure.
 */
import type { PiiEntityType, SensitiveDataConfiguration } from '../../schemas/output-configuration.ts';
import {
  detectSensitiveData,
  redactSensitiveData,
  SENSITIVE_DATA_TYPES,
  type SensitiveDataType,
} from './sensitive-data.ts';

/** the keys whose string values are text a reader sees */
const TEXT_KEYS = new Set([
  'text',
  'markdown',
  'html',
  'csv',
  'summary',
  'description',
  'title',
  'content',
  // custom output: every value a blueprint extracted, and the value its explanation repeats
  'inference_result',
  'value',
  'reason',
]);

export interface SensitiveDataEntity {
  type: SensitiveDataType;
  /** where in the output: a JSON path such as `pages[0].representation.markdown` */
  location: string;
  page_index?: number;
  start: number;
  end: number;
  evidence: string;
  confidence: number;
  /** DETECTION mode only */
  text?: string;
}

export interface SensitiveDataReport {
  detection_mode: SensitiveDataConfiguration['detectionMode'];
  detected_types: SensitiveDataType[];
  /** asked for, but no detector for them in Quarry yet */
  not_detected_types: PiiEntityType[];
  entities: SensitiveDataEntity[];
}

/** The PII types a configuration asks for that Quarry detects, and those it does not. */
export function askedTypes(config: SensitiveDataConfiguration): {
  detect: SensitiveDataType[];
  missing: PiiEntityType[];
} {
  const asked = config.piiEntitiesConfiguration?.piiEntityTypes ?? ['ALL'];
  if (asked.includes('ALL')) return { detect: [...SENSITIVE_DATA_TYPES], missing: [] };
  const known = new Set<string>(SENSITIVE_DATA_TYPES);
  return {
    detect: asked.filter((t): t is SensitiveDataType => known.has(t)),
    missing: asked.filter((t) => !known.has(t)),
  };
}

/** The output with its PII found (and masked, when asked), plus the report; the input is not changed. */
export function applySensitiveData<T>(
  output: T,
  config: SensitiveDataConfiguration,
): { output: T; report: SensitiveDataReport } {
  const { detect, missing } = askedTypes(config);
  const redact = config.detectionMode === 'DETECTION_AND_REDACTION';
  const mask = config.piiEntitiesConfiguration?.redactionMaskMode ?? 'ENTITY_TYPE';
  const entities: SensitiveDataEntity[] = [];
  const walk = (node: unknown, location: string, page: number | undefined, isText: boolean): unknown => {
    if (typeof node === 'string') {
      if (!isText || detect.length === 0) return node;
      const found = detectSensitiveData(node, detect);
      for (const d of found)
        entities.push({
          type: d.type,
          location,
          ...(page !== undefined ? { page_index: page } : {}),
          start: d.start,
          end: d.end,
          evidence: d.evidence,
          confidence: d.confidence,
          ...(redact ? {} : { text: d.text }),
        });
      return redact && found.length ? redactSensitiveData(node, found, mask) : node;
    }
    if (Array.isArray(node)) return node.map((v, i) => walk(v, `${location}[${i}]`, page, isText));
    if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      const here =
        typeof o.page_index === 'number'
          ? o.page_index
          : Array.isArray(o.page_indices) && typeof o.page_indices[0] === 'number'
            ? o.page_indices[0]
            : page;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(o))
        out[k] = walk(v, location ? `${location}.${k}` : k, here, isText || TEXT_KEYS.has(k));
      return out;
    }
    return node;
  };
  const walked = walk(output, '', undefined, false) as T;
  return {
    output: walked,
    report: { detection_mode: config.detectionMode, detected_types: detect, not_detected_types: missing, entities },
  };
}
