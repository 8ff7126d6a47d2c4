/**
 * Validation rules that feed confidence: subtotal + tax = total, Σ line amounts = total (or subtotal), and
 * type parse. A rule that holds raises the confidence of every value it touched; one that fails lowers it. Pure.
 */
import type { FieldValue, ResultNode } from './evidence.ts';

const close = (a: number, b: number) => Math.abs(a - b) <= Math.max(0.011, Math.abs(b) * 0.0005);

function topLevel(nodes: readonly ResultNode[], role: string): FieldValue | undefined {
  for (const n of nodes) {
    if (n.kind === 'value' && n.role === role && typeof n.value === 'number') return n;
    if (n.kind === 'group') {
      const v = topLevel(n.children, role);
      if (v) return v;
    }
  }
  return undefined;
}

const mark = (values: (FieldValue | undefined)[], outcome: 1 | -1) => {
  for (const v of values) if (v) v.features.rule = v.features.rule === -1 ? -1 : outcome;
};

export interface RuleOutcome {
  rule: string;
  passed: boolean;
}

/** Applies the rules in place (sets `features.rule`) and says which applied. */
export function applyRules(nodes: ResultNode[]): RuleOutcome[] {
  const out: RuleOutcome[] = [];
  const total = topLevel(nodes, 'total');
  const subtotal = topLevel(nodes, 'subtotal');
  const tax = topLevel(nodes, 'tax');
  if (total && subtotal && tax) {
    const ok = close((subtotal.value as number) + (tax.value as number), total.value as number);
    mark([total, subtotal, tax], ok ? 1 : -1);
    out.push({ rule: 'subtotal + tax = total', passed: ok });
  } else if (total && subtotal && !tax) {
    if (close(subtotal.value as number, total.value as number)) {
      mark([total, subtotal], 1);
      out.push({ rule: 'subtotal = total (no tax)', passed: true });
    }
  }
  for (const n of nodes) {
    if (n.kind !== 'table' || n.rows.length === 0) continue;
    const amounts = n.rows.map((r) =>
      r.children.find(
        (c): c is FieldValue =>
          c.kind === 'value' &&
          (c.role === 'total' || c.role === 'amount') &&
          typeof c.value === 'number' &&
          /amount|total|line/i.test(c.name),
      ),
    );
    if (amounts.some((a) => !a)) continue;
    const sum = amounts.reduce((s, a) => s + (a!.value as number), 0);
    const target = [subtotal, total].find((t) => t && close(sum, t.value as number));
    const against = target ?? subtotal ?? total;
    if (!against) continue;
    const ok = Boolean(target);
    mark(amounts, ok ? 1 : -1);
    if (ok) mark([target], 1);
    out.push({ rule: `Σ ${n.name} amounts = ${against.name}`, passed: ok });
    // quantity × unit price = amount, per row
    for (const r of n.rows) {
      const q = r.children.find(
        (c): c is FieldValue => c.kind === 'value' && c.role === 'quantity' && typeof c.value === 'number',
      );
      const p = r.children.find(
        (c): c is FieldValue => c.kind === 'value' && /price|rate/i.test(c.name) && typeof c.value === 'number',
      );
      const a = r.children.find(
        (c): c is FieldValue => c.kind === 'value' && /amount|total/i.test(c.name) && typeof c.value === 'number',
      );
      if (q && p && a) mark([q, p, a], close((q.value as number) * (p.value as number), a.value as number) ? 1 : -1);
    }
  }
  return out;
}
