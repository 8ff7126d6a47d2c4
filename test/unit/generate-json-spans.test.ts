import { describe, expect, it } from 'vitest';
import { valueProbabilities } from '../../engines/language/embedded-model.ts';
import { jsonLeafSpans } from '../../engines/language/json-leaf-spans.ts';

describe('value probabilities from token probabilities (pure)', () => {
  it('finds each leaf value of a JSON text by pointer, quotes and terminator included', () => {
    const text = '{"a": {"value": "X \\"Y\\"", "lines": [3, 4]}, "b/c": null, "n": 12.5}';
    const spans = jsonLeafSpans(text);
    expect(spans.map((s) => [s.pointer, s.value])).toEqual([
      ['/a/value', 'X "Y"'],
      ['/a/lines/0', 3],
      ['/a/lines/1', 4],
      ['/b~1c', null],
      ['/n', 12.5],
    ]);
    expect(text.slice(spans[0].start, spans[0].end)).toBe('"X \\"Y\\""');
    expect(text.slice(spans[4].start, spans[4].end)).toBe('12.5}');
    expect(jsonLeafSpans('"only"')).toEqual([{ pointer: '', value: 'only', start: 0, end: 6 }]);
  });

  it('multiplies the probabilities of the tokens that spell a value', () => {
    const tokens = [
      { text: '{"', probability: 1 },
      { text: 'name', probability: 1 },
      { text: '":', probability: 1 },
      { text: ' "', probability: 0.9 },
      { text: 'AC', probability: 0.8 },
      { text: 'ME', probability: 0.5 },
      { text: '",', probability: 1 },
      { text: ' "n": ', probability: 1 },
      { text: '7', probability: 0.6 },
      { text: '}', probability: 0.5 },
    ];
    const text = tokens.map((t) => t.text).join('');
    const [name, n] = valueProbabilities(text, tokens);
    expect(name.pointer).toBe('/name');
    expect(name.probability).toBeCloseTo(0.9 * 0.8 * 0.5 * 1);
    expect(name.minTokenProbability).toBe(0.5);
    expect(name.tokens).toBe(4);
    expect(n.probability).toBeCloseTo(0.6 * 0.5);
  });
});
