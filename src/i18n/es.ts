import catalogue from './es.json' with { type: 'json' };
import type { Dictionary } from './types.ts';

/** Español (Centroamérica): las mismas claves que en.json. */
export const es: Dictionary = catalogue;
