/**
 * The version of a record travels with its API representation under a symbol: JSON never shows it (it is no field of the
 * contract), and the HTTP layer turns it into the strong ETag of the answer.
 */
export const VERSION: unique symbol = Symbol('version');

export type Versioned<T> = T & { [VERSION]?: number };

export function versioned<T extends object>(body: T, version: number): Versioned<T> {
  return Object.assign(body, { [VERSION]: version });
}

export const versionOf = (body: unknown): number | undefined =>
  body !== null && typeof body === 'object' ? (body as { [VERSION]?: number })[VERSION] : undefined;

/** The versions an `If-Match` header accepts; undefined when the request sets no condition (no header, or `*`). */
export type Precondition = readonly number[] | undefined;

export const satisfies = (precondition: Precondition, version: number) =>
  precondition === undefined || precondition.includes(version);
