/**
 * Where each leaf value (string, number, boolean, null) sits in a JSON text, by JSON pointer: the span a
 * generated value's tokens cover. A string's span includes its quotes (the closing quote is the model's
 * decision to stop); a number's, boolean's or null's includes the character after it, for the same reason.
 * Pure.
 */
export interface JsonLeafSpan {
  pointer: string;
  value: string | number | boolean | null;
  start: number;
  end: number;
}

export function jsonLeafSpans(text: string): JsonLeafSpan[] {
  const out: JsonLeafSpan[] = [];
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const fail = (what: string): never => {
    throw new Error(`jsonLeafSpans: ${what} at ${i}`);
  };
  const stringAt = (): { value: string; start: number; end: number } => {
    const start = i;
    if (text[i] !== '"') fail('expected a string');
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    return { value: JSON.parse(text.slice(start, i)) as string, start, end: i };
  };
  const pointerToken = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
  const value = (pointer: string): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        const key = stringAt().value;
        ws();
        if (text[i] !== ':') fail('expected :');
        i++;
        value(`${pointer}/${pointerToken(key)}`);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail('expected , or }');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let n = 0; ; n++) {
        value(`${pointer}/${n}`);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail('expected , or ]');
      }
    }
    if (c === '"') {
      const s = stringAt();
      out.push({ pointer, ...s });
      return;
    }
    const m = /^(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (!m) throw new Error(`jsonLeafSpans: expected a value at ${i}`);
    const start = i;
    i += m[0].length;
    out.push({ pointer, value: JSON.parse(m[0]) as number | boolean | null, start, end: Math.min(text.length, i + 1) });
  };
  value('');
  return out;
}
