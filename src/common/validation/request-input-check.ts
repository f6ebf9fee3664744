/** Deeper JSON than any route takes; the validators below it recurse, so it is refused first. */
export const MAX_INPUT_DEPTH = 32;

export interface InputProblem {
  field: string;
  message: string;
}

/**
 * Finds input no route may receive: nesting deeper than `MAX_INPUT_DEPTH`, or text PostgreSQL
 * cannot store (a NUL character, refused by text and jsonb; a lone UTF-16 surrogate, not
 * encodable as UTF-8 and refused by jsonb), in keys too. Walks iteratively, so deeply nested
 * input cannot overflow the stack here.
 */
export function findInputProblem(value: unknown): InputProblem | undefined {
  const pending: Array<{ value: unknown; path: string; depth: number }> = [
    { value, path: '', depth: 0 },
  ];
  while (pending.length > 0) {
    const { value: current, path, depth } = pending.pop()!;
    const field = path || 'value';
    if (typeof current === 'string') {
      if (!isStorableText(current)) return unstorable(field);
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= MAX_INPUT_DEPTH) {
      return { field, message: `${field} is nested more than ${MAX_INPUT_DEPTH} levels deep` };
    }
    if (Array.isArray(current)) {
      current.forEach((item, index) =>
        pending.push({ value: item, path: `${path}[${index}]`, depth: depth + 1 }),
      );
      continue;
    }
    for (const [key, item] of Object.entries(current)) {
      if (!isStorableText(key)) return unstorable(field);
      pending.push({ value: item, path: path ? `${path}.${key}` : key, depth: depth + 1 });
    }
  }
  return undefined;
}

function unstorable(field: string): InputProblem {
  return { field, message: `${field} must not contain NUL characters or unpaired surrogates` };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}
