/**
 * The whole blueprint step for one document, pure: split (when asked) → match each part → extract fields.
 * The shaping activity adds I/O around it (reading standard output, asking a provider for inferred fields,
 * writing custom output).
 */
import type { Blueprint } from './dialect.ts';
import type { ResultNode } from './evidence.ts';
import { type ExtractOptions, extractFields } from './extract.ts';
import type { LayoutDocument } from './layout.ts';
import { type MatchCandidate, type MatchStatus, matchBlueprint, pagesOf, splitDocument } from './match.ts';

export interface ShapedSegment {
  pageIndices: number[];
  status: MatchStatus;
  matched?: { arn: string; name: string; version?: string; confidence: number; blueprint: Blueprint };
  /** unscored extraction result (run `scoreResult`, then `buildCustomOutput`) */
  nodes?: ResultNode[];
  doc: LayoutDocument;
}

export function shapeDocument(args: {
  candidates: MatchCandidate[];
  fallback?: MatchCandidate;
  doc: LayoutDocument;
  splitter: boolean;
  extract?: ExtractOptions;
}): ShapedSegment[] {
  const { candidates, fallback, doc } = args;
  const allPages = Array.from({ length: doc.pageCount }, (_, i) => i);
  const parts = args.splitter ? splitDocument(candidates, doc) : [{ pageIndices: allPages }];
  return parts.map(({ pageIndices }) => {
    const part = parts.length > 1 ? pagesOf(doc, pageIndices) : doc;
    const m = matchBlueprint(candidates, part, { hasFallback: Boolean(fallback), pages: new Set(pageIndices) });
    const chosen = m.status === 'MATCH' ? candidates[m.index] : m.status === 'FALLBACK' ? fallback : undefined;
    if (!chosen) return { pageIndices, status: m.status, doc: part };
    return {
      pageIndices,
      status: m.status,
      matched: {
        arn: chosen.arn,
        name: chosen.name,
        version: chosen.version,
        confidence: m.status === 'FALLBACK' ? m.confidence : m.confidence,
        blueprint: chosen.blueprint,
      },
      nodes: extractFields(chosen.blueprint, part, args.extract),
      doc: part,
    };
  });
}
