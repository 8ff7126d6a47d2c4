import { describe, expect, it } from 'vitest';
import type { TableGrid } from '../../engines/layout/table-grid.ts';
import { documentOptions } from '../../activities/document/output-options.ts';
import { renderElement, tableCsv, tableHtml, tableMarkdown } from '../../engines/layout/render.ts';

const grid: TableGrid = {
  rows: 3,
  cols: 3,
  headerRows: 1,
  columnStarts: [0.1, 0.4, 0.7],
  cells: [
    { row: 0, col: 0, rowSpan: 1, colSpan: 1, text: 'Item', header: true },
    { row: 0, col: 1, rowSpan: 1, colSpan: 2, text: 'Amount, EUR', header: true },
    { row: 1, col: 0, rowSpan: 1, colSpan: 1, text: 'Rope "long"', header: false },
    { row: 1, col: 1, rowSpan: 1, colSpan: 1, text: '2', header: false },
    { row: 1, col: 2, rowSpan: 1, colSpan: 1, text: '4.50', header: false },
    { row: 2, col: 0, rowSpan: 1, colSpan: 1, text: 'Net | total', header: false },
  ],
};

describe('table formats', () => {
  it('CSV follows RFC 4180 quoting', () => {
    expect(tableCsv(grid)).toBe('Item,"Amount, EUR",\r\n"Rope ""long""",2,4.50\r\nNet | total,,\r\n');
  });
  it('Markdown has a header separator and escapes pipes', () => {
    const md = tableMarkdown(grid).split('\n');
    expect(md[0]).toBe('| Item | Amount, EUR |  |');
    expect(md[1]).toBe('| --- | --- | --- |');
    expect(md[3]).toBe('| Net \\| total |  |  |');
  });
  it('HTML keeps header cells and column spans', () => {
    expect(tableHtml(grid)).toContain('<thead><tr><th>Item</th><th colspan="2">Amount, EUR</th></tr></thead>');
  });
});

describe('element formats and options', () => {
  it('renders only the asked formats', () => {
    const el = {
      type: 'TEXT' as const,
      subType: 'SECTION_TITLE' as const,
      box: { x0: 0, y0: 0, x1: 1, y1: 0.1 },
      lines: [{ text: 'Scope & aims', box: { x0: 0, y0: 0, x1: 1, y1: 0.1 }, confidence: 1, words: [] }],
    };
    expect(renderElement(el, ['MARKDOWN', 'HTML'])).toEqual({
      markdown: '## Scope & aims',
      html: '<h2>Scope &amp; aims</h2>',
    });
  });
  it('uses BDA defaults and never writes extra files for sync calls', () => {
    const d = documentOptions(undefined);
    expect([...d.granularity]).toEqual(['PAGE', 'ELEMENT']);
    expect(d).toMatchObject({ boundingBoxes: true, generative: true, formats: ['MARKDOWN'], additionalFiles: false });
    const s = documentOptions(
      {
        extraction: { granularity: { types: ['WORD'] }, boundingBox: { state: 'DISABLED' } },
        outputFormat: { textFormat: { types: ['CSV'] }, additionalFileFormat: { state: 'ENABLED' } },
      },
      true,
    );
    expect(s).toMatchObject({ boundingBoxes: false, additionalFiles: false, formats: ['CSV'] });
  });
});
