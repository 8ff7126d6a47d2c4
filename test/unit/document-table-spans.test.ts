import { describe, expect, it } from 'vitest';
import { wordsToLines } from '../../engines/layout/lines.ts';
import type { TableGrid } from '../../engines/layout/table-grid.ts';
import { findTables } from '../../engines/layout/detect-tables.ts';
import type { Rect, Word } from '../../engines/layout/page-content.ts';
import { tableCsv, tableHtml, tableMarkdown } from '../../engines/layout/render.ts';
import { H, line, W } from '../fixtures/documents/words.ts';

const page = { widthPt: W, heightPt: H };
const hRule = (x0: number, x1: number, y: number): Rect => ({ x0: x0 / W, x1: x1 / W, y0: y / H, y1: (y + 0.6) / H });
const vRule = (x: number, y0: number, y1: number): Rect => ({ x0: x / W, x1: (x + 0.6) / W, y0: y0 / H, y1: y1 / H });
const cell = (g: TableGrid, text: string) => g.cells.find((c) => c.text === text);
const tables = (words: Word[], rules: { horizontal: Rect[]; vertical: Rect[] } = { horizontal: [], vertical: [] }) =>
  findTables(wordsToLines(words, page), page, rules).tables;

describe('table row spans', () => {
  it('ruled: a first-column cell with no rule segment between two rows spans them', () => {
    // columns at 72 | 200 | 320, rules between all rows, except in the first column between the two rows
    // that "Fruit" is centred on
    const rows = [100, 120, 140, 160, 180];
    const words = [
      ...line(76, rows[0] + 4, 'Group'),
      ...line(204, rows[0] + 4, 'Item'),
      ...line(324, rows[0] + 4, 'Price'),
      ...line(76, rows[1] + 14, 'Fruit'), // centred across rows 1 and 2
      ...line(204, rows[1] + 4, 'Apple'),
      ...line(324, rows[1] + 4, '1.20'),
      ...line(204, rows[2] + 4, 'Pear'),
      ...line(324, rows[2] + 4, '0.90'),
      ...line(76, rows[3] + 4, 'Bread'),
      ...line(204, rows[3] + 4, 'Loaf'),
      ...line(324, rows[3] + 4, '2.10'),
    ];
    const horizontal = [
      hRule(70, 420, rows[0]),
      hRule(70, 420, rows[1]),
      hRule(198, 420, rows[2]), // not under "Fruit"
      hRule(70, 420, rows[3]),
      hRule(70, 420, rows[4]),
    ];
    const vertical = [
      vRule(70, rows[0], rows[4]),
      vRule(198, rows[0], rows[4]),
      vRule(318, rows[0], rows[4]),
      vRule(420, rows[0], rows[4]),
    ];
    const found = tables(words, { horizontal, vertical });
    expect(found).toHaveLength(1);
    const g = found[0].grid;
    expect(g).toMatchObject({ rows: 4, cols: 3, headerRows: 1 });
    expect(cell(g, 'Fruit')).toMatchObject({ row: 1, col: 0, rowSpan: 2, colSpan: 1 });
    expect(cell(g, 'Pear')).toMatchObject({ row: 2, col: 1, rowSpan: 1 });
    expect(cell(g, 'Bread')).toMatchObject({ row: 3, col: 0, rowSpan: 1 });
    // HTML merges, Markdown and CSV leave the covered position empty
    const html = tableHtml(g);
    expect(html).toContain(
      '<tr><td rowspan="2">Fruit</td><td>Apple</td><td>1.20</td></tr><tr><td>Pear</td><td>0.90</td></tr>',
    );
    expect(tableCsv(g).split('\r\n')[2]).toBe(',Pear,0.90');
    expect(tableMarkdown(g).split('\n')[3]).toBe('|  | Pear | 0.90 |');
  });

  it('ruled: text rows between two rules are one row with multi-line cells', () => {
    const words = [
      ...line(76, 104, 'Measure'),
      ...line(204, 104, 'Count'),
      ...line(76, 124, 'Number of firms that'),
      ...line(76, 136, 'applied the rule'),
      ...line(204, 124, '27'),
      ...line(76, 156, 'Total'),
      ...line(204, 156, '81'),
    ];
    const horizontal = [hRule(70, 300, 100), hRule(70, 300, 120), hRule(70, 300, 152), hRule(70, 300, 172)];
    const vertical = [vRule(70, 100, 172), vRule(198, 100, 172), vRule(300, 100, 172)];
    const g = tables(words, { horizontal, vertical })[0].grid;
    expect(g.rows).toBe(3);
    expect(cell(g, 'Number of firms that applied the rule')).toMatchObject({ row: 1, col: 0, rowSpan: 1 });
    expect(cell(g, '27')).toMatchObject({ row: 1, col: 1 });
  });

  it('unruled: a first-column label beside sub-rows with an empty first cell spans them', () => {
    const words = [
      ...line(72, 100, 'Region'),
      ...line(200, 100, 'Year'),
      ...line(300, 100, 'Sales'),
      ...line(72, 116, 'North'),
      ...line(200, 116, '2019'),
      ...line(300, 116, '120'),
      ...line(200, 132, '2020'),
      ...line(300, 132, '135'),
      ...line(200, 148, '2021'),
      ...line(300, 148, '150'),
      ...line(72, 164, 'South'),
      ...line(200, 164, '2019'),
      ...line(300, 164, '80'),
      ...line(200, 180, '2020'),
      ...line(300, 180, '95'),
    ];
    const g = tables(words)[0].grid;
    expect(g).toMatchObject({ rows: 6, cols: 3, headerRows: 1 });
    expect(cell(g, 'North')).toMatchObject({ row: 1, rowSpan: 3 });
    expect(cell(g, 'South')).toMatchObject({ row: 4, rowSpan: 2 });
    expect(tableHtml(g)).toContain('<td rowspan="3">North</td>');
  });

  it('unruled: a label alone on its line, centred on the sub-rows around it, spans them', () => {
    const words = [
      ...line(72, 100, 'Group'),
      ...line(200, 100, 'Item'),
      ...line(300, 100, 'Price'),
      ...line(200, 116, 'Apple'),
      ...line(300, 116, '1.20'),
      ...line(72, 124, 'Fruit'), // between the two sub-rows, overlapping neither
      ...line(200, 132, 'Pear'),
      ...line(300, 132, '0.90'),
      ...line(72, 148, 'Bread'),
      ...line(200, 148, 'Loaf'),
      ...line(300, 148, '2.10'),
    ];
    const g = tables(words)[0].grid;
    expect(g.rows).toBe(4);
    expect(cell(g, 'Fruit')).toMatchObject({ row: 1, col: 0, rowSpan: 2 });
    expect(cell(g, 'Apple')).toMatchObject({ row: 1, col: 1 });
    expect(cell(g, 'Pear')).toMatchObject({ row: 2, col: 1 });
  });

  it('stacks a header: an underlined heading spans its columns, the stub heading spans the levels', () => {
    const words = [
      ...line(230, 100, 'Amount borrowed'),
      ...line(72, 114, 'Characteristic'),
      ...line(200, 114, 'Low'),
      ...line(260, 114, 'Mid'),
      ...line(320, 114, 'High'),
      ...Array.from({ length: 4 }, (_, i) => [
        ...line(72, 134 + 14 * i, `Group ${i}`),
        ...line(200, 134 + 14 * i, `${i}.1`),
        ...line(260, 134 + 14 * i, `${i}.2`),
        ...line(320, 134 + 14 * i, `${i}.3`),
      ]).flat(),
    ];
    const horizontal = [hRule(66, 360, 96), hRule(196, 345, 112.5), hRule(66, 360, 129), hRule(66, 360, 194)];
    const g = tables(words, { horizontal, vertical: [] })[0].grid;
    expect(g.headerRows).toBe(2);
    expect(cell(g, 'Amount borrowed')).toMatchObject({ row: 0, col: 1, colSpan: 3, header: true });
    expect(cell(g, 'Characteristic')).toMatchObject({ row: 0, col: 0, rowSpan: 2, header: true });
    expect(cell(g, 'Mid')).toMatchObject({ row: 1, col: 2 });
    expect(cell(g, 'Group 0')).toMatchObject({ row: 2, col: 0, header: false });
  });
});

describe('table columns and rows', () => {
  it('keeps tightly set figures in their own columns', () => {
    // figures 5 pt apart (less than half a text height): line segments merge them, the word projection
    // does not
    const words = [
      ...line(72, 100, 'State'),
      ...['2001', '2002', '2003', '2004'].flatMap((y, k) => line(190 + 50 * k, 100, y)),
      ...Array.from({ length: 5 }, (_, i) => [
        ...line(72, 116 + 14 * i, `State ${i}`),
        ...[0, 1, 2, 3].flatMap((k) => line(170 + 50 * k, 116 + 14 * i, `${i},03${k},773`)),
      ]).flat(),
    ];
    expect(wordsToLines(words, page).filter((l) => l.text.includes('2,032,773'))[0].text).toContain('2,031,773');
    const g = tables(words)[0].grid;
    expect(g).toMatchObject({ rows: 6, cols: 5, headerRows: 1 });
    expect(cell(g, '2,032,773')).toMatchObject({ row: 3, col: 3 });
    expect(cell(g, '2003')).toMatchObject({ row: 0, col: 3 });
  });

  it('joins a wrapped label and keeps digit groups together', () => {
    const words = [
      ...line(72, 100, 'Course'),
      ...line(300, 100, 'Participants'),
      ...line(72, 116, 'Vocational training, not'),
      ...line(300, 116, '79 935'),
      ...line(72, 128, 'apprenticeship'),
      ...line(72, 144, 'Labour market training'),
      ...line(300, 144, '51 955'),
      ...line(72, 160, 'Other education'),
      ...line(300, 160, '1 649 692'),
    ];
    const g = tables(words)[0].grid;
    expect(g).toMatchObject({ rows: 4, cols: 2 });
    expect(cell(g, 'Vocational training, not apprenticeship')).toMatchObject({ row: 1, col: 0 });
    expect(cell(g, '1 649 692')).toMatchObject({ row: 3, col: 1 });
  });

  it('takes a table inside a rule frame whole, across blank lines and section rows', () => {
    const body = (top: number, label: string) =>
      Array.from({ length: 3 }, (_, i) => [
        ...line(80, top + 14 * i, `${label} ${i}`),
        ...line(260, top + 14 * i, `${i + 1}.5`),
        ...line(340, top + 14 * i, `${i + 2}.5`),
      ]).flat();
    const words = [
      ...line(72, 100, 'Characteristic'),
      ...line(260, 100, 'Men'),
      ...line(340, 100, 'Women'),
      ...line(72, 126, 'Age'),
      ...body(140, 'Age group'),
      ...line(72, 196, 'Region'),
      ...body(210, 'Region'),
    ];
    const horizontal = [hRule(66, 380, 96), hRule(66, 380, 114), hRule(66, 380, 254)];
    const found = tables(words, { horizontal, vertical: [] });
    expect(found).toHaveLength(1);
    expect(found[0].grid.rows).toBe(9);
    expect(cell(found[0].grid, 'Region')).toMatchObject({ row: 5, col: 0, colSpan: 1 });
  });

  it('does not read a text column beside a ruled table into the table', () => {
    const prose = Array.from({ length: 9 }, (_, i) => line(40, 100 + 12 * i, 'some prose of the page')).flat();
    const words = [
      ...prose,
      ...line(330, 104, 'Species'),
      ...line(450, 104, 'Share'),
      ...['Kingfisher', 'Osprey', 'Mink', 'Otter'].flatMap((s, i) => [
        ...line(330, 124 + 20 * i, s),
        ...line(450, 124 + 20 * i, `${20 + i}%`),
      ]),
    ];
    const ys = [100, 120, 140, 160, 180, 200];
    const horizontal = ys.map((y) => hRule(324, 500, y));
    const vertical = [vRule(324, 100, 200), vRule(440, 100, 200), vRule(500, 100, 200)];
    const found = tables(words, { horizontal, vertical });
    expect(found).toHaveLength(1);
    expect(found[0].grid).toMatchObject({ rows: 5, cols: 2 });
    expect(found[0].lines.some((l) => l.text.includes('prose'))).toBe(false);
  });
});
