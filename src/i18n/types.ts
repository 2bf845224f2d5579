import type { en } from './en.ts';

/** The shape of a dictionary: every language has exactly the English keys. */
export type Dictionary<T = typeof en> = { [K in keyof T]: T[K] extends string ? string : Dictionary<T[K]> };
