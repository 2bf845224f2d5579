import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { TSchema } from 'typebox';
import { invalid, type FieldError } from './problem.ts';

function createAjv(coerceTypes: boolean): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true, coerceTypes, useDefaults: false });
  addFormats.default(ajv);
  ajv.addKeyword({ keyword: 'example' });
  return ajv;
}

const bodyAjv = createAjv(false);
const queryAjv = createAjv(true);

const pointerEscape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

function toFieldError(error: ErrorObject, prefix: string): FieldError {
  let path = error.instancePath;
  let message = error.message ?? 'is not valid';
  if (error.keyword === 'required') {
    path += `/${pointerEscape(String(error.params.missingProperty))}`;
    message = 'is required';
  } else if (error.keyword === 'additionalProperties') {
    path += `/${pointerEscape(String(error.params.additionalProperty))}`;
    message = 'is not a known field';
  } else if (error.keyword === 'enum') {
    message = `must be one of: ${(error.params.allowedValues as unknown[]).join(', ')}`;
  }
  return { path: prefix + path, message };
}

function describe(errors: ErrorObject[], prefix: string): FieldError[] {
  const seen = new Set<string>();
  const result: FieldError[] = [];
  // anyOf of literals reports one error per branch; keep the first message per path.
  for (const error of errors) {
    if (error.keyword === 'anyOf' || error.keyword === 'if') continue;
    const fieldError = toFieldError(error, prefix);
    if (seen.has(fieldError.path)) continue;
    seen.add(fieldError.path);
    result.push(fieldError);
  }
  return result;
}

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

/** Guard errors first; schema errors for the paths the guard did not already name. */
function allErrors(value: unknown, prefix: string, validate: ValidateFunction): FieldError[] {
  const errors = hostileTextErrors(value, prefix);
  if (validate(value)) return errors;
  const named = new Set(errors.map((error) => error.path));
  return [...errors, ...describe(validate.errors ?? [], prefix).filter((error) => !named.has(error.path))];
}

export type Validator = (value: unknown) => void;

function validator(ajv: Ajv2020, schema: TSchema, prefix: string): Validator {
  const validate: ValidateFunction = ajv.compile(schema);
  return (value) => {
    const errors = allErrors(value, prefix, validate);
    if (errors.length) throw invalid(errors);
  };
}

export const bodyValidator = (schema: TSchema) => validator(bodyAjv, schema, '');
export const queryValidator = (schema: TSchema) => validator(queryAjv, schema, '/query');

/** The errors of a body without throwing, for requests that validate many items one by one. */
export function bodyChecker(schema: TSchema): (value: unknown) => FieldError[] {
  const validate: ValidateFunction = bodyAjv.compile(schema);
  return (value) => allErrors(value, '', validate);
}
