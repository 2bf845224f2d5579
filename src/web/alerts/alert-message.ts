import type { TFunction } from 'i18next';
import { alertMessageKey } from '../../alerts/messages.ts';
import type { Alert } from '../../alerts/schemas.ts';

/** What happened, in the page's language, from the alert's kind and the references it carries (the API's text is English). */
export function alertMessage(
  t: TFunction,
  alert: Pick<Alert, 'kind' | 'subject' | 'related' | 'messageCode' | 'messageParams'>,
) {
  if (alert.messageCode) {
    const word = (key: string) => t(key as 'alertTexts.reportKinds.lost');
    const [key, values] = alertMessageKey(alert.messageCode, alert.messageParams ?? {}, word);
    return t(key as 'alertTexts.stolen_match', values);
  }
  // Alerts raised before they carried a wording code.
  const related = alert.related[0];
  return t(`alertMessages.${alert.kind}`, {
    subject: alert.subject.reference,
    related: related?.reference ?? '—',
    agency: related?.agency.code ?? '—',
  });
}

/** Where the alert's own record is shown. */
export function subjectPath(alert: Pick<Alert, 'subject'>) {
  switch (alert.subject.type) {
    case 'trace':
      return `/traces/${alert.subject.id}`;
    case 'stockpile_item':
      return '/stockpile';
    case 'weapon':
      return `/weapons/${alert.subject.id}`;
    case 'indicator':
      return '/intelligence';
    default:
      return '/registry';
  }
}
