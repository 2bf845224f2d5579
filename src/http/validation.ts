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

export type Validator = (value: unknown) => void;

function validator(ajv: Ajv2020, schema: TSchema, prefix: string): Validator {
  const validate: ValidateFunction = ajv.compile(schema);
  return (value) => {
    if (!validate(value)) throw invalid(describe(validate.errors ?? [], prefix));
  };
}

export const bodyValidator = (schema: TSchema) => validator(bodyAjv, schema, '');
export const queryValidator = (schema: TSchema) => validator(queryAjv, schema, '/query');

/** The errors of a body without throwing, for requests that validate many items one by one. */
export function bodyChecker(schema: TSchema): (value: unknown) => FieldError[] {
  const validate: ValidateFunction = bodyAjv.compile(schema);
  return (value) => (validate(value) ? [] : describe(validate.errors ?? [], ''));
}
