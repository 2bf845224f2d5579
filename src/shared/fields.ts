import Type, { type TSchema } from 'typebox';

/** The field types of the API's schemas: identifiers, dates, text a person types, country codes. */
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
