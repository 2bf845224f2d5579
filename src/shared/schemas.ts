import Type, { type TSchema } from 'typebox';

/**
 * Options that name a schema: the OpenAPI document lists it once under `components.schemas` by that name and refers to
 * it everywhere else, so generated clients have a type to import. Validation ignores the name. `versioned`: the record
 * has a version, and an answer that is one such record carries it as a strong `ETag` (documented from this flag).
 */
export const component = (name: string, options: { versioned?: boolean } = {}) => ({
  'x-component': name,
  ...(options.versioned ? { 'x-versioned': true } : {}),
});

export const Uuid = Type.String({ format: 'uuid' });
export const DateOnly = Type.String({ format: 'date', example: '2026-11-02' });
export const Timestamp = Type.String({ format: 'date-time' });

/** Nothing Rastreo records happened before 1900: an earlier date is a typo (and year 0 is no date to PostgreSQL). */
export const EARLIEST_DATE = '1900-01-01';
/** A date a client sends: `YYYY-MM-DD`, from 1900-01-01 on. */
export const DateInput = (description?: string) =>
  Type.String({
    format: 'date',
    formatMinimum: EARLIEST_DATE,
    example: '2026-11-02',
    ...(description ? { description } : {}),
  });
/** An instant a client sends (RFC 3339 with a zone), from 1900-01-01 on. */
export const TimestampInput = (description?: string) =>
  Type.String({
    format: 'date-time',
    formatMinimum: `${EARLIEST_DATE}T00:00:00Z`,
    ...(description ? { description } : {}),
  });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
/** At least one character that is neither white space nor a format character. */
export const VISIBLE_PATTERN = '[^\\p{White_Space}\\p{Cf}]';
export const VISIBLE_MESSAGE = 'must contain a visible character';
const TRIMMED_DESCRIPTION = 'Trimmed of white space and format characters; must contain a visible character';
const EDGES = /^[\p{White_Space}\p{Cf}]+|[\p{White_Space}\p{Cf}]+$/gu;
export const trimText = (text: string) => text.replace(EDGES, '');
/**
 * Text a person types. Trimmed of Unicode white space and format characters (U+00A0, U+200B, U+3000, U+FEFF…) before it
 * is stored or matched, and refused when nothing visible is left — the rule the database's CHECKs rely on, stated here
 * once: the validator trims (`x-trim`), the pattern refuses blank text, and the document shows both.
 */
export const Text = (maxLength: number, minLength = 1) =>
  Type.String({ minLength, maxLength, pattern: VISIBLE_PATTERN, 'x-trim': true, description: TRIMMED_DESCRIPTION });
export const CountryCode = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2', example: 'SV' });

export const Limit = Type.Integer({ minimum: 1, maximum: 200, default: 50 });
export const Cursor = Type.String({ minLength: 1, maxLength: 512, description: 'Opaque; from nextCursor' });
/** Who created a versioned record and when it was created and last changed (spread into its schema). */
export const RecordStamps = { createdBy: Uuid, createdAt: Timestamp, updatedAt: Timestamp };

export const PageQuery = { limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) };

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) });

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(
      Type.String({ description: 'The path of the request this problem answers', example: '/api/v1/traces' }),
    ),
    requestId: Type.Optional(Type.String({ description: 'The request id, as in X-Request-Id and the logs' })),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
    duplicateOf: Type.Optional(Uuid),
    currentStatus: Type.Optional(Type.String({ description: 'On a refused trace action: the status the trace is in' })),
    lockedUntil: Type.Optional(
      Type.String({ format: 'date-time', description: 'On /problems/account-locked: when sign-in opens again' }),
    ),
    items: Type.Optional(Type.Array(Type.Object({ itemId: Uuid, reasons: Type.Array(Type.String()) }))),
  },
  component('Problem'),
);

export const IdParams = Type.Object({ id: Uuid });

/** `{reason}`: why an action was taken (cancel a trace, withdraw a report, …). */
export const ReasonBody = Type.Object(
  { reason: Text(1000) },
  { ...component('ReasonBody'), additionalProperties: false },
);
