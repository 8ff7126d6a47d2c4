/**
 * A QUARRY_* variable that nothing reads is most often a typo of one that something does: each one gets a
 * warning naming the nearest known name (Levenshtein distance). Pure: returns the warnings.
 */
import { editDistance } from '../../blueprints/normalize.ts';

export function unknownVariableWarnings(env: NodeJS.ProcessEnv, known: readonly string[]): string[] {
  const names = new Set(known);
  const warnings: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith('QUARRY_') || names.has(name)) continue;
    let nearest = known[0];
    let best = Number.POSITIVE_INFINITY;
    for (const k of known) {
      const d = editDistance(name, k);
      if (d < best) [nearest, best] = [k, d];
    }
    warnings.push(`${name} is not a Quarry variable and is ignored; did you mean ${nearest}? (README §Configuration)`);
  }
  return warnings;
}
