/** A born-digital PDF of N pages (headings, two paragraphs, a small table, page number) for scale benchmarks. */
import { PdfPageBuilder, writePdf } from '../../test/fixtures/documents/pdf-writer.ts';

const SENTENCES = [
  'The harbour office keeps a record of every vessel that enters the port.',
  'Each record lists the owner, the cargo and the berth assigned on arrival.',
  'Inspections take place on weekdays and follow the published schedule.',
  'Fees are calculated from the gross tonnage and the length of the stay.',
  'The annual report summarises traffic, revenue and maintenance work.',
];

function* pages(n: number): Generator<PdfPageBuilder> {
  for (let i = 0; i < n; i++) {
    const p = new PdfPageBuilder();
    p.text(72, 60, 14, `Section ${i + 1}: Port Operations`, { bold: true });
    let y = 95;
    for (let k = 0; k < 14; k++) {
      p.text(72, y, 10, `${SENTENCES[(i + k) % 5]} Line ${k + 1} of page ${i + 1}.`.slice(0, 95));
      y += 13;
      if (k === 6) y += 12;
    }
    y += 20;
    for (let r = 0; r < 6; r++) {
      const cells = r === 0 ? ['Vessel', 'Tonnage', 'Berth'] : [`Ship ${i}-${r}`, String(1000 + r * 37), `B${r}`];
      for (let c = 0; c < 3; c++) p.text([72, 260, 400][c], y, 10, cells[c]);
      y += 15;
    }
    p.text(300, 750, 9, String(i + 1));
    yield p;
  }
}

export const makeLargePdf = (path: string, n: number) => writePdf(path, pages(n));
