import { describe, expect, it } from 'vitest';
import { refusalOf, unsupportedTerms } from '../../engines/language/supported-by-source.ts';

const source =
  'LIM SENG THO HARDWARE TRADING\nNo 7, Simpang Off Batu Village, 51200 Kuala Lumpur\nGST 6%\nTotal 1,234.50\nDate 03/02/2018';

describe('generated text is checked against its source', () => {
  it('accepts a paraphrase whose numbers and names are all in the source', () => {
    expect(
      unsupportedTerms('A receipt from Lim Seng Tho Hardware Trading in Kuala Lumpur for 1234.50 with 6% GST.', source),
    ).toEqual([]);
    expect(refusalOf('The hardware store charged a total of 1,234.50.', source)).toBeNull();
  });

  it('refuses numbers and proper names the source does not contain', () => {
    expect(unsupportedTerms('A receipt from Lim Seng Tho in Penang for 99.90.', source)).toEqual(['99.90', 'Penang']);
    expect(refusalOf('Paid on 2019 in Penang.', source)).toMatch(
      /"2019", "Penang", not in the source: extractive text kept/,
    );
  });

  it('does not count the first word of a sentence as a name', () => {
    expect(unsupportedTerms('Receipt for hardware. Payment in Kuala Lumpur.', source)).toEqual([]);
  });
});
