import { describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en.ts';
import { es } from '../src/i18n/es.ts';

const keysOf = (value: object, prefix = ''): string[] =>
  Object.entries(value).flatMap(([key, inner]) =>
    typeof inner === 'object' && inner !== null ? keysOf(inner, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
const at = (catalogue: object, key: string) =>
  key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], catalogue);

describe('message catalogues', () => {
  it('Spanish has exactly the English keys; a message is blank in one language only where it is in the other', () => {
    expect(keysOf(es).sort()).toEqual(keysOf(en).sort());
    for (const key of keysOf(en)) {
      const [english, spanish] = [at(en, key), at(es, key)];
      expect(typeof english === 'string' && typeof spanish === 'string', key).toBe(true);
      expect(String(spanish).trim() === '', key).toBe(String(english).trim() === '');
    }
  });
});
