import { describe, expect, it } from 'vitest';
import { cosine, embeddedEmbeddings } from '../../engines/language/sentence-embeddings.ts';

/** The embedded embedding model that setup installs (all-MiniLM-L6-v2, int8 ONNX), run for real. */
describe('embedded sentence embeddings', () => {
  it('gives unit 384-d vectors that put similar sentences closer than unrelated ones', async () => {
    const model = await embeddedEmbeddings(process.cwd(), 1);
    const [invoice, bill, penguins, cat] = await model.embed([
      'The invoice total is 120 dollars.',
      'The amount due on the bill is $120.',
      'Penguins live in Antarctica.',
      'A cat sat on the mat.',
    ]);
    expect(invoice).toHaveLength(384);
    expect(Math.sqrt(cosine(invoice, invoice))).toBeCloseTo(1, 5);
    expect(cosine(invoice, bill)).toBeGreaterThan(0.6);
    expect(cosine(invoice, bill)).toBeGreaterThan(cosine(invoice, penguins) + 0.4);
    expect(cosine(invoice, bill)).toBeGreaterThan(cosine(invoice, cat) + 0.4);
  });

  it('embeds a text the same alone or among others, and cuts texts past 256 tokens', async () => {
    const model = await embeddedEmbeddings(process.cwd(), 1);
    const text = 'The harbour bell rings at seven.';
    const [alone] = await model.embed([text]);
    const batch = await model.embed(['a much longer sentence that pads the batch to more tokens than the first', text]);
    expect(cosine(alone, batch[1])).toBeGreaterThan(0.9999);
    const long = 'word '.repeat(2000);
    expect(model.countTokens(long)).toBe(2000);
    const [v] = await model.embed([long]);
    expect(v.every(Number.isFinite)).toBe(true);
  });
});
