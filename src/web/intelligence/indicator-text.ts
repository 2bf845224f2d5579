import type { TFunction } from 'i18next';
import type { Indicator } from '../../intelligence/schemas.ts';

/** What an indicator's traces share, in the page's language. */
export function indicatorText(
  t: TFunction,
  indicator: Pick<Indicator, 'kind' | 'key' | 'details'>,
  formatDate: (iso: string) => string,
) {
  const { details } = indicator;
  switch (indicator.kind) {
    case 'repeat_purchaser':
      return details.purchaser
        ? t('intelligence.purchaser', {
            name: `${details.purchaser.firstName} ${details.purchaser.lastName}`,
            date: formatDate(details.purchaser.dateOfBirth),
          })
        : indicator.key;
    case 'dealer_cluster':
      return details.dealer
        ? t('intelligence.dealer', { name: details.dealer.name, licence: details.dealer.licenseNumber })
        : indicator.key;
    case 'short_time_to_crime':
      return t('intelligence.shortTime', { reference: indicator.key, days: details.timeToCrimeDays ?? '—' });
    case 'serial_sequence':
      return t('intelligence.sequence', {
        manufacturer: details.manufacturer ?? '',
        model: details.model ?? '',
        prefix: details.serialPrefix ?? '',
      });
  }
}
