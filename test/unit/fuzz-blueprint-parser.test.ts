import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlueprintSchemaError, parseBlueprint } from '../../blueprints/dialect.ts';
import { checkBlueprintParser } from '../fuzz/properties.ts';

describe('the blueprint parser under fuzzing (fast-check; the 10-minute run is npm run soak)', () => {
  it('returns a blueprint or a BlueprintSchemaError with a reason for 20,000 hostile schemas', () => {
    const run = checkBlueprintParser({ numRuns: 20_000, timeLimitMs: 60_000 });
    expect(run.failed, run.failed ? fc.defaultReportMessage(run) : '').toBe(false);
    expect(run.numRuns).toBeGreaterThan(1_000);
  });

  it('refuses a schema nested thousands of levels deep with a reason, not a stack overflow', () => {
    let deep: Record<string, unknown> = { type: 'string', inferenceType: 'explicit', instruction: 'x' };
    for (let i = 0; i < 20_000; i++) deep = { type: 'object', properties: { f: deep } };
    const schema = { class: 'deep', type: 'object', properties: { top: deep } };
    expect(() => parseBlueprint(schema, { modality: 'DOCUMENT' })).toThrow(BlueprintSchemaError);
    const text = `{"class":"deep","type":"object","properties":{"top":${'{"type":"object","properties":{"f":'.repeat(2_500)}{}${'}}'.repeat(2_500)}}}`;
    expect(() => parseBlueprint(text, { modality: 'DOCUMENT' })).toThrow(BlueprintSchemaError);
  });
});
