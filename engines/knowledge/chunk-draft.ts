/**
 * A chunk before it is numbered and hashed, and the step that finishes it: headings carried into the text,
 * reading order, content hash, Bedrock Knowledge Bases' metadata keys beside Quarry's. Pure.
 */
import { createHash } from 'node:crypto';
import { type Box, unionBox } from '../../schemas/box.ts';
import type { ChunkBox, ChunkKind, KnowledgeChunk } from '../../schemas/knowledge-chunk.ts';
import type { Modality } from '../../schemas/modality.ts';

export interface ChunkDraft {
  kind: ChunkKind;
  body: string;
  headings?: string[];
  parts: string[];
  /** where its pieces lie on pages (one box per element, any number per page) */
  locations?: { page_index: number; bounding_box?: Box }[];
  pages?: number[];
  start_ms?: number;
  end_ms?: number;
  speaker?: string;
}

/** Which asset the chunks are of. */
export interface ChunkSource {
  source_uri: string;
  asset_id: string;
  job_id?: string;
  modality: Modality;
  blueprint_fields?: Record<string, unknown>;
}

/** How headings are shown above a chunk's body (also what the heading budget is counted on). */
export const headingLine = (headings: readonly string[] | undefined): string =>
  headings?.length ? headings.join(' › ') : '';

function boxesByPage(locations: ChunkDraft['locations']): ChunkBox[] | undefined {
  const byPage = new Map<number, Box[]>();
  for (const l of locations ?? []) {
    if (!l.bounding_box) continue;
    byPage.set(l.page_index, [...(byPage.get(l.page_index) ?? []), l.bounding_box]);
  }
  if (!byPage.size) return undefined;
  return [...byPage.entries()].sort((a, b) => a[0] - b[0]).map(([page_index, bs]) => ({ page_index, bounding_box: bs.length === 1 ? bs[0] : unionBox(bs) }));
}

/** The finished chunks of one asset, numbered in order. */
export function finishChunks(drafts: readonly ChunkDraft[], source: ChunkSource): KnowledgeChunk[] {
  return drafts
    .filter((d) => d.body.trim())
    .map((d, reading_order) => {
      const heading = headingLine(d.headings);
      const text = heading ? `${heading}\n${d.body.trim()}` : d.body.trim();
      const pages = d.pages ?? [...new Set((d.locations ?? []).map((l) => l.page_index))].sort((a, b) => a - b);
      const boxes = boxesByPage(d.locations);
      const citation = { pages, boxes, start_ms: d.start_ms, end_ms: d.end_ms };
      const content_hash = createHash('sha256')
        .update(JSON.stringify([source.source_uri, text, citation]))
        .digest('hex');
      const metadata: KnowledgeChunk['metadata'] = {
        'x-amz-bedrock-kb-source-uri': source.source_uri,
        'quarry-modality': source.modality,
        'quarry-asset-id': source.asset_id,
        'quarry-chunk-kind': d.kind,
      };
      if (pages.length) metadata['x-amz-bedrock-kb-document-page-number'] = pages[0] + 1;
      if (source.job_id) metadata['quarry-job-id'] = source.job_id;
      if (d.start_ms !== undefined) metadata['quarry-start-ms'] = d.start_ms;
      if (d.end_ms !== undefined) metadata['quarry-end-ms'] = d.end_ms;
      return {
        content_hash,
        text,
        kind: d.kind,
        modality: source.modality,
        source_uri: source.source_uri,
        ...(source.job_id ? { job_id: source.job_id } : {}),
        asset_id: source.asset_id,
        reading_order,
        ...(d.headings?.length ? { headings: d.headings } : {}),
        ...(pages.length ? { page_indices: pages } : {}),
        ...(boxes ? { boxes } : {}),
        ...(d.start_ms !== undefined ? { start_ms: d.start_ms } : {}),
        ...(d.end_ms !== undefined ? { end_ms: d.end_ms } : {}),
        ...(d.speaker ? { speaker: d.speaker } : {}),
        parts: d.parts,
        ...(source.blueprint_fields ? { blueprint_fields: source.blueprint_fields } : {}),
        metadata,
      };
    });
}
