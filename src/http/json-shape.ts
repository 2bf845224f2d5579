/** The contract's bounds on a JSON body, checked on the raw text before it is parsed or walked. */
export const MAX_JSON_DEPTH = 32;
export const MAX_JSON_VALUES = 10_000;

/**
 * Why a JSON text is too deep or has too many values, or undefined. One pass over the characters, no recursion: a
 * 6 KB `[[[…]]]` costs 6 K steps and no stack. Values are the scalars (strings other than keys, numbers, booleans,
 * nulls), so a bulk of 500 traces fits; objects and arrays are bounded alike on their own count. Text that is not JSON
 * at all is left to the parser's own error.
 */
export function jsonShapeProblem(text: string): string | undefined {
  let depth = 0;
  let values = 0;
  let containers = 0;
  let inString = false;
  let inScalar = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      // "
      inString = true;
      inScalar = false;
      values++;
    } else if (c === 0x5b || c === 0x7b) {
      // [ {
      inScalar = false;
      if (++containers > MAX_JSON_VALUES) return `has more than ${MAX_JSON_VALUES} objects and arrays`;
      if (++depth > MAX_JSON_DEPTH) return `is nested deeper than ${MAX_JSON_DEPTH} levels`;
    } else if (c === 0x5d || c === 0x7d) {
      // ] }
      inScalar = false;
      depth--;
    } else if (c === 0x3a) {
      // the string before a colon was a key, not a value
      inScalar = false;
      values--;
    } else if (c === 0x2c || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      // , : white space
      inScalar = false;
    } else if (!inScalar) {
      // the first character of a number, true, false or null
      inScalar = true;
      values++;
    }
    if (values > MAX_JSON_VALUES) return `has more than ${MAX_JSON_VALUES} values`;
  }
  return undefined;
}

/** body-parser's `verify` hook: a body out of bounds fails before it is parsed (the error handler answers 400). */
export function verifyJsonShape(_req: unknown, _res: unknown, buffer: Buffer): void {
  const problem = jsonShapeProblem(buffer.toString('utf8'));
  if (problem) throw Object.assign(new Error(`The body ${problem}.`), { type: 'entity.shape', reason: problem });
}
