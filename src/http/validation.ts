import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { TSchema } from 'typebox';
import { invalid, type FieldError } from '../shared/problem.ts';
import { hostileTextErrors, pointerEscape } from '../shared/hostile-text.ts';
import { trimText, VISIBLE_MESSAGE, VISIBLE_PATTERN } from '../shared/fields.ts';

function createAjv(coerceTypes: boolean): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true, coerceTypes, useDefaults: false });
  addFormats.default(ajv);
  ajv.addKeyword({ keyword: 'example' });
  ajv.addKeyword({ keyword: 'x-component' });
  ajv.addKeyword({ keyword: 'x-versioned' });
  // Trims a string in place before its length and pattern are checked (see `Text`): what is stored is what was checked.
  ajv.addKeyword({
    keyword: 'x-trim',
    type: 'string',
    modifying: true,
    schemaType: 'boolean',
    before: 'maxLength',
    errors: false,
    validate: (
      trim: boolean,
      data: string,
      _schema?: unknown,
      at?: { parentData: Record<string | number, unknown>; parentDataProperty: string | number },
    ) => {
      if (trim && at?.parentData) at.parentData[at.parentDataProperty] = trimText(data);
      return true;
    },
  });
  return ajv;
}

const bodyAjv = createAjv(false);
const queryAjv = createAjv(true);

function toFieldError(error: ErrorObject, prefix: string): FieldError {
  let path = error.instancePath;
  let message = error.message ?? 'is not valid';
  if (error.keyword === 'required') {
    path += `/${pointerEscape(String(error.params.missingProperty))}`;
    message = 'is required';
  } else if (error.keyword === 'additionalProperties') {
    path += `/${pointerEscape(String(error.params.additionalProperty))}`;
    message = 'is not a known field';
  } else if (
    (error.keyword === 'pattern' && error.params.pattern === VISIBLE_PATTERN) ||
    (error.keyword === 'minLength' && error.params.limit === 1)
  ) {
    message = VISIBLE_MESSAGE;
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
