import type { ProblemType } from '../i18n/problem-types.ts';

export interface FieldError {
  path: string;
  message: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly slug: ProblemType,
    detail: string,
    readonly extra: Record<string, unknown> = {},
    /** Response headers that belong to this answer (WWW-Authenticate, Retry-After, Allow). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  toJSON(): Record<string, unknown> {
    return {
      type: `/problems/${this.slug}`,
      title: TITLES[this.status] ?? 'Error',
      status: this.status,
      detail: this.message,
      ...this.extra,
    };
  }
}

export const invalid = (errors: FieldError[], detail = 'The request is not valid.') =>
  new Problem(400, 'validation', detail, { errors });
export const invalidField = (path: string, message: string) => invalid([{ path, message }]);
export const unauthenticated = (
  detail = 'A valid bearer token is required.',
  slug: ProblemType = 'unauthenticated',
  extra: Record<string, unknown> = {},
) => new Problem(401, slug, detail, extra, { 'WWW-Authenticate': 'Bearer' });
export const forbidden = (detail = 'Your role may not do this.') => new Problem(403, 'forbidden', detail);
export const notFound = (what = 'Resource') => new Problem(404, 'not-found', `${what} not found.`);
export const conflict = (slug: ProblemType, detail: string, extra: Record<string, unknown> = {}) =>
  new Problem(409, slug, detail, extra);
/** If-Match named other versions than the record's: nothing changed. The answer carries the record's current ETag. */
export const preconditionFailed = (what: string, version: number) =>
  new Problem(
    412,
    'precondition-failed',
    `The ${what.toLowerCase()} changed since you read it (it is now version ${version}); reload it and try again.`,
    {},
    { ETag: `"${version}"` },
  );
