import { expect, it, describe as suite } from 'vitest';
import {
  describe,
  rankSentences,
  splitSentences,
  summarize,
  words,
} from '../../engines/language/extractive-summary.ts';

const meeting = [
  'The quarterly budget review covered the marketing budget and the engineering budget.',
  'Marketing asked for a larger budget next quarter.',
  'Someone brought donuts.',
  'Engineering said the budget covers two new hires next quarter.',
  'The weather was nice.',
  'The budget review ends with a decision on hires next week.',
].map((text, i) => ({ text, ref: { page: i + 1 } }));

suite('extractive summary (TextRank)', () => {
  it('ranks central sentences above off-topic ones', () => {
    const scores = rankSentences(meeting.map((s) => s.text));
    expect(scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(scores[0]).toBeGreaterThan(scores[2]);
    expect(scores[0]).toBeGreaterThan(scores[4]);
    expect(scores[3]).toBeGreaterThan(scores[4]);
  });

  it('respects maxWords and maxSentences, keeps source order and returns refs', () => {
    const s = summarize(meeting, { maxWords: 30, maxSentences: 2 });
    expect(words(s.text).length).toBeLessThanOrEqual(30);
    expect(s.picks.length).toBeLessThanOrEqual(2);
    expect(s.picks.map((p) => p.index)).toEqual([...s.picks.map((p) => p.index)].sort((a, b) => a - b));
    expect(s.picks.every((p) => p.ref !== undefined)).toBe(true);
    expect(s.text).not.toContain('donuts');
    expect(s.text).not.toContain('weather');
    expect(s.method).toBe('extractive:textrank-cosine');
    for (const p of s.picks) expect(s.text).toContain(meeting[p.index].text);
  });

  it('is deterministic', () => {
    expect(summarize(meeting, { maxWords: 25 })).toEqual(summarize(meeting, { maxWords: 25 }));
  });

  it('cuts a lone over-long sentence at a word boundary rather than returning nothing', () => {
    const s = summarize([{ text: 'one two three four five six seven eight' }], { maxWords: 3 });
    expect(s.text).toBe('one two three');
    expect(s.picks).toEqual([{ index: 0, score: 1 }]);
  });

  it('handles empty and blank input', () => {
    expect(summarize([], { maxWords: 10 })).toEqual({ text: '', picks: [], method: 'extractive:textrank-cosine' });
    expect(summarize([{ text: '  ' }, { text: '...' }], { maxWords: 10 }).text).toBe('');
    expect(describe([])).toBe('');
  });

  it('describe() uses at most 10 source words and only words from the source', () => {
    const d = describe(meeting);
    const ws = words(d);
    expect(ws.length).toBeGreaterThan(0);
    expect(ws.length).toBeLessThanOrEqual(10);
    const source = new Set(meeting.flatMap((s) => words(s.text)));
    for (const w of ws) expect(source.has(w)).toBe(true);
    expect(words(describe(meeting, 4)).length).toBeLessThanOrEqual(4);
    // trailing stop words are dropped
    expect(describe([{ text: 'Invoice for the services of the month' }], 5)).toBe('Invoice for the services');
  });

  it('splits sentences but keeps abbreviations and decimals together', () => {
    expect(splitSentences('Total is 3.50 USD. Paid by Dr. Smith, e.g. by card! Next one?\n\nNew para')).toEqual([
      'Total is 3.50 USD.',
      'Paid by Dr. Smith, e.g. by card!',
      'Next one?',
      'New para',
    ]);
  });
});
