import type { TFunction } from 'i18next';
import { ApiProblem } from '../api/client.ts';
import i18n from '../i18n/i18n.ts';
import type { en } from '../../i18n/en.ts';

type Conflict = keyof typeof en.conflicts;
/** The 409 problem types the UI has its own words for: the keys of the conflicts dictionary. */
const isKnownConflict = (kind: string): kind is Conflict => i18n.exists(`conflicts.${kind}`);

/** What went wrong, in the user's language: the API's own detail text is English and is not shown. */
export function problemMessage(t: TFunction, error: unknown): string {
  if (!(error instanceof ApiProblem)) return t('problems.unexpected');
  if (error.status === 409 && isKnownConflict(error.kind)) return t(`conflicts.${error.kind}`);
  switch (error.status) {
    case 0:
      return t('problems.network');
    case 400:
      return t('problems.invalid');
    case 401:
      return t('problems.unauthenticated');
    case 403:
      return t('problems.forbidden');
    case 404:
      return t('problems.notFound');
    case 409:
      return t('problems.conflict');
    case 413:
      return t('problems.tooLarge');
    case 429:
      return t('problems.rateLimited');
    case 503:
      return t('problems.unavailable');
    default:
      return t('problems.unexpected');
  }
}

const RULES: [RegExp, (t: TFunction, match: RegExpMatchArray) => string][] = [
  [/^must have required propert/, (t) => t('fieldErrors.required')],
  [/^must NOT have fewer than 1 characters|^is required/, (t) => t('fieldErrors.required')],
  [/^must NOT have more than (\d+) characters/, (t, m) => t('fieldErrors.tooLong', { max: Number(m[1]) })],
  [/^must NOT have fewer than (\d+) items/, (t, m) => t('fieldErrors.tooFewItems', { min: Number(m[1]) })],
  [/^must match format "date"/, (t) => t('fieldErrors.date')],
  [/^must match format "date-time"/, (t) => t('fieldErrors.dateTime')],
  [/^must match pattern "\^\[A-Z\]\{2\}\$"/, (t) => t('fieldErrors.countryCode')],
  [/^must match pattern "\^\[A-Z0-9\]\[A-Z0-9_-\]/, (t) => t('fieldErrors.agencyCode')],
  [/^must match pattern "\^\[a-z0-9\]\[a-z0-9-\]/, (t) => t('fieldErrors.regionCode')],
  [/^must match format "email"/, (t) => t('fieldErrors.email')],
  [/^must be equal to one of the allowed values/, (t) => t('fieldErrors.choose')],
  [/^must be (<=|>=) (-?[\d.]+)/, (t) => t('fieldErrors.outOfRange')],
  [/^must not be in the future/, (t) => t('fieldErrors.future')],
  [/^must not be after to/, (t) => t('fieldErrors.fromAfterTo')],
  [/^is not a case of your agency/, (t) => t('fieldErrors.unknownCase')],
  [/^is not a case number of your agency/, (t) => t('fieldErrors.unknownCaseNumber')],
  [/^names another case than caseId/, (t) => t('fieldErrors.caseNumberMismatch')],
  [/^is not a known agency/, (t) => t('fieldErrors.unknownAgency')],
];

/** An API or form-rule field message (English, ajv-style) in the user's language. */
export function fieldMessage(t: TFunction, message: string): string {
  for (const [pattern, render] of RULES) {
    const match = message.match(pattern);
    if (match) return render(t, match);
  }
  return t('fieldErrors.invalid');
}

/** Field errors keyed by JSON Pointer, translated. */
export function fieldErrorsByPath(t: TFunction, errors: readonly { path: string; message: string }[]) {
  const byPath: Record<string, string> = {};
  for (const error of errors) byPath[error.path] ??= fieldMessage(t, error.message);
  return byPath;
}
