import type { TFunction } from 'i18next';
import type { TSchema } from 'typebox';
import Value from 'typebox/value';

/** The schemas' patterns, each with the words that say what it wants. */
const PATTERN_MESSAGES: Record<
  string,
  'fieldErrors.countryCode' | 'fieldErrors.agencyCode' | 'fieldErrors.regionCode'
> = {
  '^[A-Z]{2}$': 'fieldErrors.countryCode',
  '^[A-Z0-9][A-Z0-9_-]{1,31}$': 'fieldErrors.agencyCode',
  '^[a-z0-9][a-z0-9-]{0,63}$': 'fieldErrors.regionCode',
};

/**
 * A request body checked against the same TypeBox schema the API validates it with, in the browser
 * (TypeBox's interpreter: no eval, so the CSP stays strict). Errors keyed by JSON Pointer, translated;
 * a missing property is reported at its own path, as the API does.
 */
export function schemaErrors(t: TFunction, schema: TSchema, value: unknown): Record<string, string> {
  const errors: Record<string, string> = {};
  const put = (path: string, message: string) => (errors[path] ??= message);
  for (const error of Value.Errors(schema, value)) {
    const params = error.params as { requiredProperties?: string[]; limit?: number; format?: string };
    switch (error.keyword) {
      case 'required':
        for (const name of params.requiredProperties ?? [])
          put(`${error.instancePath}/${name}`, t('fieldErrors.required'));
        break;
      case 'minLength':
        put(
          error.instancePath,
          params.limit === 1 ? t('fieldErrors.required') : t('fieldErrors.tooShort', { min: params.limit ?? 0 }),
        );
        break;
      case 'maxLength':
        put(error.instancePath, t('fieldErrors.tooLong', { max: params.limit ?? 0 }));
        break;
      case 'minItems':
        put(error.instancePath, t('fieldErrors.tooFewItems', { min: params.limit ?? 0 }));
        break;
      case 'format':
        put(
          error.instancePath,
          params.format === 'date'
            ? t('fieldErrors.date')
            : params.format === 'date-time'
              ? t('fieldErrors.dateTime')
              : params.format === 'email'
                ? t('fieldErrors.email')
                : t('fieldErrors.required'),
        );
        break;
      case 'pattern':
        put(
          error.instancePath,
          t(PATTERN_MESSAGES[(error.params as { pattern: string }).pattern] ?? 'fieldErrors.invalid'),
        );
        break;
      case 'enum':
        put(error.instancePath, t('fieldErrors.required'));
        break;
      case 'minimum':
      case 'maximum':
      case 'type':
        put(error.instancePath, t('fieldErrors.outOfRange'));
        break;
      case 'boolean':
      case 'additionalProperties':
        break;
      default:
        put(error.instancePath, t('fieldErrors.invalid'));
    }
  }
  return errors;
}
