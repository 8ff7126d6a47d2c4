import { describe, expect, it } from 'vitest';
import { keyValuePairs } from '../../blueprints/pairs.ts';
import { layoutFromText } from '../fixtures/blueprints/text-layout.ts';

// Hand-typed forms on a monospace page: one space is normal word spacing, two or more separate phrases.
const pairs = (text: string) => keyValuePairs(layoutFromText([text])).map((p) => [p.key, p.value]);

describe('generic key → value pairing', () => {
  it('pairs "Key: value" on one line, and a "No." key before a number', () => {
    expect(pairs('Date: 8/10/90\nFAX NO. (614) 466-5087')).toEqual([
      ['Date', '8/10/90'],
      ['FAX NO.', '(614) 466-5087'],
    ]);
  });

  it('pairs a label without a colon with the value right of it', () => {
    expect(pairs('DIVISION   Portland')).toEqual([['DIVISION', 'Portland']]);
    expect(pairs('Brand    KENT')).toEqual([['Brand', 'KENT']]);
    expect(pairs('Date    March 3, 1999')).toEqual([['Date', 'March 3, 1999']]);
    // an upper-case label run straight into a typed value
    expect(pairs('STUDY NAME Induction of Hepatic Enzymes')).toEqual([['STUDY NAME', 'Induction of Hepatic Enzymes']]);
  });

  it('pairs a key with the value under it', () => {
    expect(pairs('Sample size\n2,500 packs')).toEqual([['Sample size', '2,500 packs']]);
    expect(pairs('REMARKS:\nShipped on time')).toEqual([['REMARKS', 'Shipped on time']]);
  });

  it('does not take a value that looks like a label of the same style', () => {
    expect(pairs('NAME OF ACCOUNT   VOLUME')).toEqual([]);
    expect(pairs('Telephone   Facsimile')).toEqual([]);
    expect(pairs('Sample size   Brand')).toEqual([]);
    // nor a colon key, nor a printed question
    expect(pairs('To:    From:')).toEqual([]);
    expect(pairs('OBJECTIVE\nWhy are we advertising?')).toEqual([]);
  });

  it('uses each value once, preferring the key beside it over the key above it', () => {
    const got = pairs(['       Date', 'Ref    12/03/99'].join('\n'));
    expect(got).toEqual([['Ref', '12/03/99']]);
  });

  it('pairs a column heading with each cell under it', () => {
    const form = ['NAME OF ACCOUNT      NO. OF STORES', 'Texaco Seattle       225', 'Dari Mart            27'].join(
      '\n',
    );
    expect(pairs(form)).toEqual([
      ['NAME OF ACCOUNT', 'Texaco Seattle'],
      ['NAME OF ACCOUNT', 'Dari Mart'],
      ['NO. OF STORES', '225'],
      ['NO. OF STORES', '27'],
    ]);
  });

  it('joins a key printed on two lines', () => {
    const form = ['IND/LOR      NO. OF', 'VOLUME       STORES', '105/5        225', '61/3         27'].join('\n');
    expect(pairs(form)).toContainEqual(['IND/LOR VOLUME', '105/5']);
    expect(pairs(form)).toContainEqual(['NO. OF STORES', '27']);
  });

  it('pairs a check mark with the label beside it', () => {
    expect(pairs('SEP 15   X')).toEqual([['SEP 15', 'X']]);
    expect(pairs('MATERIAL:  STEEL ☐  ALUMINUM ☑')).toContainEqual(['ALUMINUM', '☑']);
  });

  it('lets a value wrap onto the line under it', () => {
    expect(pairs('From:   David H. Remes\n        (202) 778 5212')).toEqual([
      ['From', 'David H. Remes (202) 778 5212'],
    ]);
  });

  it('does not read a clock time as a key', () => {
    expect(pairs('09/17/97 10: 55')).toEqual([]);
  });
});
