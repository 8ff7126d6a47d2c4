/** Pure: layout elements → the text formats BDA offers (plain text, Markdown, HTML, CSV). */
import type { LayoutElement } from './page-layout.ts';
import { type TableGrid, toMatrix } from './table-grid.ts';

export type TextFormat = 'PLAIN_TEXT' | 'MARKDOWN' | 'HTML' | 'CSV';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function tableCsv(t: TableGrid): string {
  const q = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return `${toMatrix(t)
    .map((r) => r.map(q).join(','))
    .join('\r\n')}\r\n`;
}

export function tableMarkdown(t: TableGrid): string {
  const m = toMatrix(t);
  if (!m.length) return '';
  const header = t.headerRows ? m[0] : m[0].map(() => '');
  const body = t.headerRows ? m.slice(1) : m;
  const row = (r: string[]) => `| ${r.map(mdCell).join(' | ')} |`;
  return [row(header), `| ${header.map(() => '---').join(' | ')} |`, ...body.map(row)].join('\n');
}

export function tableHtml(t: TableGrid): string {
  const rows: string[] = [];
  for (let r = 0; r < t.rows; r++) {
    const cells = t.cells
      .filter((c) => c.row === r)
      .sort((a, b) => a.col - b.col)
      .map((c) => {
        const tag = c.header ? 'th' : 'td';
        const span = `${c.colSpan > 1 ? ` colspan="${c.colSpan}"` : ''}${c.rowSpan > 1 ? ` rowspan="${c.rowSpan}"` : ''}`;
        return `<${tag}${span}>${esc(c.text)}</${tag}>`;
      });
    rows.push(`<tr>${cells.join('')}</tr>`);
  }
  const head = rows.slice(0, t.headerRows);
  const body = rows.slice(t.headerRows);
  return `<table>${head.length ? `<thead>${head.join('')}</thead>` : ''}<tbody>${body.join('')}</tbody></table>`;
}

export function tablePlain(t: TableGrid): string {
  return toMatrix(t)
    .map((r) => r.join('\t'))
    .join('\n');
}

/** Text of a TEXT element: lines joined; list items one per line; hyphenated line ends joined. */
export function elementText(e: LayoutElement): string {
  if (e.type === 'TABLE') return tablePlain(e.grid);
  const lines = e.lines.map((l) => l.text);
  if (e.type === 'TEXT' && e.subType === 'LIST') return lines.join('\n');
  let out = '';
  for (const l of lines) {
    if (!out) out = l;
    else if (/[a-z]-$/.test(out) && /^[a-z]/.test(l)) out = out.slice(0, -1) + l;
    else out += ` ${l}`;
  }
  return out;
}

export function renderElement(e: LayoutElement, formats: TextFormat[], figure?: { crop?: string; caption?: string }) {
  const text = elementText(e);
  const rep: { text?: string; markdown?: string; html?: string; csv?: string } = {};
  if (formats.includes('PLAIN_TEXT')) rep.text = text;
  if (e.type === 'TABLE') {
    if (formats.includes('MARKDOWN')) rep.markdown = tableMarkdown(e.grid);
    if (formats.includes('HTML')) rep.html = tableHtml(e.grid);
    if (formats.includes('CSV')) rep.csv = tableCsv(e.grid);
    return rep;
  }
  if (e.type === 'FIGURE') {
    const alt = figure?.caption || text || 'figure';
    if (formats.includes('MARKDOWN')) rep.markdown = `![${mdCell(alt)}](${figure?.crop ?? ''})`;
    if (formats.includes('HTML'))
      rep.html = `<figure>${figure?.crop ? `<img src="${esc(figure.crop)}" alt="${esc(alt)}"/>` : ''}${text ? `<figcaption>${esc(text)}</figcaption>` : ''}</figure>`;
    return rep;
  }
  const sub = e.subType;
  if (formats.includes('MARKDOWN')) {
    rep.markdown =
      sub === 'TITLE'
        ? `# ${text}`
        : sub === 'SECTION_TITLE'
          ? `## ${text}`
          : sub === 'LIST'
            ? e.lines
                .map((l) => `- ${l.text.replace(/^([•·▪◦‣∙●○■□\-–—*>]|\(?[0-9]{1,3}[.)]|\(?[a-zA-Z][.)])\s*/, '')}`)
                .join('\n')
            : text;
  }
  if (formats.includes('HTML')) {
    rep.html =
      sub === 'TITLE'
        ? `<h1>${esc(text)}</h1>`
        : sub === 'SECTION_TITLE'
          ? `<h2>${esc(text)}</h2>`
          : sub === 'LIST'
            ? `<ul>${e.lines.map((l) => `<li>${esc(l.text)}</li>`).join('')}</ul>`
            : sub === 'HEADER'
              ? `<header>${esc(text)}</header>`
              : sub === 'FOOTER' || sub === 'PAGE_NUMBER'
                ? `<footer>${esc(text)}</footer>`
                : `<p>${esc(text)}</p>`;
  }
  return rep;
}

/** Joins element representations into a page/document representation. */
export function joinRepresentations(
  reps: { text?: string; markdown?: string; html?: string; csv?: string }[],
  formats: TextFormat[],
) {
  const out: { text?: string; markdown?: string; html?: string; csv?: string } = {};
  if (formats.includes('PLAIN_TEXT'))
    out.text = reps
      .map((r) => r.text ?? '')
      .filter(Boolean)
      .join('\n\n');
  if (formats.includes('MARKDOWN'))
    out.markdown = reps
      .map((r) => r.markdown ?? '')
      .filter(Boolean)
      .join('\n\n');
  if (formats.includes('HTML'))
    out.html = reps
      .map((r) => r.html ?? '')
      .filter(Boolean)
      .join('\n');
  if (formats.includes('CSV'))
    out.csv = reps
      .map((r) => r.csv ?? '')
      .filter(Boolean)
      .join('\r\n');
  return out;
}
