import type { FieldError } from './problem.ts';

/** A JSON Pointer segment (RFC 6901): `~` and `/` escaped. */
export const pointerEscape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** U+0000 and unpaired UTF-16 surrogates: no person types them and PostgreSQL cannot store them. */
/* eslint-disable no-control-regex -- matching U+0000 is the point */
const HOSTILE = /[\u0000\p{Cs}]/u;
const HOSTILE_ALL = /[\u0000\p{Cs}]/gu;
/* eslint-enable no-control-regex */
export const HOSTILE_MESSAGE = 'must not contain U+0000 or an unpaired UTF-16 surrogate';

export const isHostileText = (text: string) => HOSTILE.test(text);

/** A path segment safe to echo back: hostile characters in a field name become U+FFFD. */
export const pathSegment = (name: string) => pointerEscape(name.replace(HOSTILE_ALL, '\ufffd'));

/**
 * The one guard for text that enters the service: every string (and object key) of a body, query or CSV row is checked
 * here, and each offending one reported at its own JSON Pointer.
 */
export function hostileTextErrors(value: unknown, path = ''): FieldError[] {
  if (typeof value === 'string') return HOSTILE.test(value) ? [{ path, message: HOSTILE_MESSAGE }] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => hostileTextErrors(item, `${path}/${i}`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => {
      const at = `${path}/${pathSegment(key)}`;
      return HOSTILE.test(key) ? [{ path: at, message: 'is not a known field' }] : hostileTextErrors(item, at);
    });
  }
  return [];
}
