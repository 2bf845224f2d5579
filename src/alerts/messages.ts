import { en } from '../i18n/en.ts';
import { es } from '../i18n/es.ts';
import { translate } from '../i18n/translate.ts';
import type { Alert, AlertMessageCode } from './schemas.ts';

export type AlertMessageParams = Record<string, string | number>;

/** The key of a wording in the catalogues, and its values with the words they name (a record type, a report kind) resolved. */
export function alertMessageKey(
  code: AlertMessageCode,
  params: AlertMessageParams,
  word: (key: string) => string,
): [string, AlertMessageParams] {
  const resolved: AlertMessageParams = { ...params };
  if (params.subjectType) resolved.subjectType = word(`alertTexts.subjectTypes.${params.subjectType}`);
  if (params.reportKind) resolved.reportKind = word(`alertTexts.reportKinds.${params.reportKind}`);
  return [`alertTexts.${code}`, resolved];
}

/**
 * What the API answers for an alert: the English `message` (stored for alerts raised before codes, else worded from the
 * English catalogue), with the code and values a client words in its own language.
 */
export function alertWording(message: string | null, code: AlertMessageCode | null, params: AlertMessageParams | null) {
  if (!code) return { message: message ?? '' };
  const word = (key: string) => translate(en, key, {});
  const [key, values] = alertMessageKey(code, params ?? {}, word);
  return { message: message ?? translate(en, key, values), messageCode: code, messageParams: params ?? {} };
}

/** A reason as the database stores it: the indicator, and the values its wording needs. */
export interface StoredReason {
  indicatorKind: Alert['reasons'][number]['indicatorKind'];
  key: string;
  indicatorId?: string;
  indicator?: string;
  trace?: string;
  count?: number;
  days?: number;
}

/** A reason as the API answers it: worded in the reader's language with the indicator kind's own wording. */
export function reasonOf(reason: StoredReason, language: 'en' | 'es'): Alert['reasons'][number] {
  const { indicatorKind, key, indicatorId, indicator, ...values } = reason;
  return {
    indicatorKind,
    key,
    text: translate(language === 'es' ? es : en, `alertTexts.${indicatorKind}`, {
      indicator: indicator ?? '',
      ...values,
    }),
    ...(indicatorId ? { indicatorId } : {}),
    ...(indicator ? { indicator } : {}),
  };
}
