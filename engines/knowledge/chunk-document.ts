/**
 * DOCUMENT standard output → chunks: elements in reading order, grouped by section with the title and section
 * heading above them carried down into every chunk; paragraphs and lists packed to the token budget (a long one
 * split with overlap); tables whole with their header (split only by rows, header repeated); figures with
 * their title, summary, OCR text and a caption that follows them. Page headers, footers and numbers are left
 * out; a heading with nothing under it becomes a line of the next chunk. Pure.
 */
import type { DocumentElement, DocumentStandardOutput, FigureElement } from '../../schemas/document-output.ts';
import { type ChunkBudget, splitToBudget, tailWithin } from './chunk-budget.ts';
import { type ChunkDraft, headingLine } from './chunk-draft.ts';
import { tablePieces, tableRows } from './table-rows.ts';

const SKIPPED = new Set(['HEADER', 'FOOTER', 'PAGE_NUMBER']);
const CAPTION = /^(fig(ure)?|chart|diagram|image|photo|illustration)\.?\s*\d*[.:)]?\s/i;

/** An element's plain text: its text representation, else its markdown without heading marks. */
export function elementText(e: DocumentElement): string {
  const r = e.representation;
  const t = r?.text ?? r?.markdown?.replace(/^#{1,6}\s+/gm, '') ?? r?.csv ?? '';
  return t.trim();
}

const locationsOf = (e: DocumentElement) =>
  e.locations?.length ? e.locations : e.page_indices.map((page_index) => ({ page_index }));

interface Line {
  text: string;
  element: DocumentElement;
}

export function chunkDocument(out: DocumentStandardOutput, b: ChunkBudget): ChunkDraft[] {
  const elements = [...(out.elements ?? [])].sort((x, y) => x.reading_order - y.reading_order);
  const drafts: ChunkDraft[] = [];
  let title: string | undefined;
  let section: string | undefined;
  let lastHeading: (Line & { level: 'TITLE' | 'SECTION_TITLE' }) | undefined;
  let bodySinceHeading = false;
  let orphans: Line[] = [];
  let buffer: Line[] = [];
  let used = 0;
  let carried = '';

  const headings = () => [title, section].filter((h): h is string => !!h);
  const bodyBudget = () => {
    const h = headingLine(headings());
    return Math.max(16, b.maxTokens - (h ? b.countTokens(h) + 1 : 0));
  };
  const push = (kind: ChunkDraft['kind'], body: string, lines: readonly Line[]) =>
    drafts.push({
      kind,
      body,
      headings: headings(),
      parts: [...new Set(lines.map((l) => l.element.id))],
      locations: lines.flatMap((l) => locationsOf(l.element)),
    });
  const takeOrphans = () => {
    const o = orphans;
    orphans = [];
    bodySinceHeading = true;
    return o;
  };
  const flush = (keepOverlap: boolean) => {
    if (buffer.length) {
      push('SECTION', [carried, ...buffer.map((l) => l.text)].filter(Boolean).join('\n'), buffer);
      carried = keepOverlap ? tailWithin(buffer.map((l) => l.text).join(' '), b.overlapTokens, b) : '';
    } else if (!keepOverlap) carried = '';
    buffer = [];
    used = carried ? b.countTokens(carried) : 0;
  };
  const heading = (line: Line, level: 'TITLE' | 'SECTION_TITLE') => {
    flush(false);
    // a heading that leaves the heading path with nothing under it
    const leaves = lastHeading && (lastHeading.level === 'SECTION_TITLE' || level === 'TITLE');
    if (lastHeading && leaves && !bodySinceHeading) orphans.push(lastHeading);
    lastHeading = { ...line, level };
    bodySinceHeading = false;
    if (level === 'TITLE') {
      title = line.text;
      section = undefined;
    } else section = line.text;
  };
  const addText = (line: Line) => {
    const lines = [...takeOrphans(), line];
    const text = lines.map((l) => l.text).join('\n');
    const budget = bodyBudget();
    const cost = b.countTokens(text);
    if (cost > budget) {
      flush(false);
      const pieces = splitToBudget(text, budget, b);
      for (const body of pieces) push('SECTION', body, lines);
      carried = tailWithin(pieces[pieces.length - 1] ?? '', b.overlapTokens, b);
      used = carried ? b.countTokens(carried) : 0;
      return;
    }
    if (buffer.length && used + cost > budget) flush(true);
    buffer.push(...lines);
    used += cost;
  };

  for (let i = 0; i < elements.length; i++) {
    const e = elements[i];
    const text = elementText(e);
    if (e.type === 'TEXT') {
      if (SKIPPED.has(e.sub_type) || !text) continue;
      if (e.sub_type === 'TITLE' || e.sub_type === 'SECTION_TITLE') heading({ text, element: e }, e.sub_type);
      else addText({ text, element: e });
      continue;
    }
    flush(false);
    if (e.type === 'TABLE') {
      const lead = [...takeOrphans(), ...(e.title ? [{ text: `Table: ${e.title}`, element: e }] : [])];
      const leadText = lead.map((l) => l.text).join('\n');
      const budget = bodyBudget() - (lead.length ? b.countTokens(leadText) + 1 : 0);
      const pieces = tablePieces(tableRows(e), budget, b);
      pieces.forEach((p, n) => {
        const foot = n === pieces.length - 1 && e.footers?.length ? `\n${e.footers.join('\n')}` : '';
        push('TABLE', [leadText, p].filter(Boolean).join('\n') + foot, [...lead, { text: p, element: e }]);
      });
      continue;
    }
    // FIGURE: its title, summary and text, and the caption right after it
    const next = elements[i + 1];
    const caption = next?.type === 'TEXT' && CAPTION.test(elementText(next)) ? next : undefined;
    if (caption) i++;
    const body = figureText(e, caption ? elementText(caption) : undefined);
    if (!body) continue;
    const lines = [...takeOrphans(), { text: body, element: e }, ...(caption ? [{ text: '', element: caption }] : [])];
    const full = lines.map((l) => l.text).filter(Boolean).join('\n');
    for (const piece of splitToBudget(full, bodyBudget(), b)) push('FIGURE', piece, lines);
  }
  flush(false);
  if (lastHeading && !bodySinceHeading) {
    if (lastHeading.level === 'SECTION_TITLE' && !drafts.length && title) orphans.push({ ...lastHeading, text: title });
    orphans.push(lastHeading);
  }
  if (orphans.length) {
    const lines = orphans;
    title = undefined;
    section = undefined;
    for (const piece of splitToBudget(lines.map((l) => l.text).join('\n'), b.maxTokens, b)) push('SECTION', piece, lines);
  }
  return drafts;
}

function figureText(f: FigureElement, caption?: string): string {
  const text = elementText(f);
  return [f.title, caption, f.summary, text && text !== f.summary ? text : '']
    .filter((s): s is string => !!s?.trim())
    .join('\n');
}
