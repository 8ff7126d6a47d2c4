/**
 * The result of extracting one field: its value, the words it came from (geometry), and the evidence that
 * confidence is computed from. Shared by extraction, grounding, rules, confidence and output assembly.
 */
import type { Box } from '../schemas/box.ts';
import type { LayoutWord } from './layout.ts';

export interface Features {
  /** mean OCR confidence of the source words (0..1) */
  ocr: number;
  /** how well the label (or instruction) matched: 0 when the value was found without a label */
  label: number;
  /** how the value sits relative to its label: same line 1, right 0.95, below 0.85, fallback lower */
  position: number;
  /** 1 when the text parsed into the declared type, 0 when it did not */
  parse: number;
  /** validation rules: +1 all passed, −1 one failed, 0 none applied */
  rule: number;
  /** agreement with the generative provider: +1 agreed, −1 disagreed, 0 not asked */
  agreement: number;
  /** the generative model's own probability of the value (its tokens' product), when the model read it */
  model?: number;
  source: 'label' | 'layout' | 'table' | 'provider' | 'model' | 'none';
}

export interface FieldValue {
  kind: 'value';
  name: string;
  type: string;
  inferenceType: 'explicit' | 'inferred';
  value: string | number | boolean | null;
  /** the text as printed, when copied from the document */
  raw?: string;
  /** source words (0-based pages); empty when not grounded */
  words: LayoutWord[];
  grounded: boolean;
  features: Features;
  confidence: number;
  /** why there is no value, or why it is not grounded */
  reason?: string;
  /** semantic role used by validation rules (total, tax, ...) */
  role?: string;
}

export type ResultNode =
  | FieldValue
  | { kind: 'list'; name: string; items: FieldValue[]; reason?: string }
  | ResultGroup
  | ResultTable;
export interface ResultGroup {
  kind: 'group';
  name: string;
  children: ResultNode[];
}
export interface ResultTable {
  kind: 'table';
  name: string;
  rows: ResultGroup[];
  reason?: string;
}

export interface Evidence {
  page: number;
  box: Box;
}

export const noFeatures = (): Features => ({
  ocr: 0,
  label: 0,
  position: 0,
  parse: 0,
  rule: 0,
  agreement: 0,
  source: 'none',
});

/** Every value in a result tree (depth first). */
export function* allValues(nodes: readonly ResultNode[]): Generator<FieldValue> {
  for (const n of nodes) {
    if (n.kind === 'value') yield n;
    else if (n.kind === 'list') yield* n.items;
    else if (n.kind === 'group') yield* allValues(n.children);
    else for (const r of n.rows) yield* allValues(r.children);
  }
}
