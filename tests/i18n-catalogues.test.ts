import { describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en.ts';
import { es } from '../src/i18n/es.ts';
import { ALERT_MESSAGE_CODES } from '../src/alerts/schemas.ts';
import { alertWording } from '../src/alerts/messages.ts';
import { problemTypes } from '../src/i18n/problem-types.ts';

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

  it('the problem type pages: Spanish has exactly the English types, each with a title and a description', () => {
    expect(keysOf(problemTypes.es).sort()).toEqual(keysOf(problemTypes.en).sort());
    for (const key of keysOf(problemTypes.en)) {
      expect(String(at(problemTypes.en, key)).trim(), key).not.toBe('');
      expect(String(at(problemTypes.es, key)).trim(), key).not.toBe('');
    }
  });

  it('every alert wording has its text, and the English one fills every placeholder from its values', () => {
    const params = { subjectType: 'trace', subject: 'TR-1', reportKind: 'stolen', agency: 'GT-PNC', record: 'SR-1' };
    const values = {
      ...params,
      since: '2026-01-02',
      indicator: 'IN-1',
      trace: 'TR-2',
      count: 3,
      days: 365,
      location: 'Bodega 1',
    };
    for (const code of ALERT_MESSAGE_CODES) {
      expect(typeof at(en, `alertTexts.${code}`), code).toBe('string');
      expect(alertWording(null, code, values).message, code).not.toMatch(/\{\{|alertTexts/);
    }
    expect(alertWording(null, 'stolen_match', params).message).toBe(
      'The gun of trace TR-1 is reported stolen by GT-PNC (SR-1).',
    );
    expect(alertWording('Stored text.', 'stolen_match', params).message).toBe('Stored text.');
  });
});
