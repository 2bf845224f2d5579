import { useTranslation } from 'react-i18next';
import type { TraceResult } from '../../traces/schemas.ts';
import { timeToCrimeBand, useFormat } from '../ui/format.ts';
import { Badge } from '../ui/badges.tsx';

/** A short time-to-crime is itself a trafficking indicator: the band says how short at a glance. */
const BAND_TONE = { underOneYear: 'danger', oneToThreeYears: 'attention', overThreeYears: 'neutral' } as const;

type Of<O extends TraceResult['outcome']> = Extract<TraceResult, { outcome: O }>;
/** Every field some outcome has, each optional: the panel shows those this result carries. */
type AnyResultField = Partial<
  Pick<Of<'not_traceable'>, 'reason'> &
    Pick<Of<'purchaser_identified'>, 'importer' | 'dealer' | 'purchaser' | 'saleDate' | 'timeToCrimeDays'>
>;

export function TraceResultPanel({ result: given }: { result: TraceResult }) {
  const { t } = useTranslation();
  const format = useFormat();
  const result = given as TraceResult & AnyResultField;
  return (
    <dl className="facts" data-testid="trace-result">
      <dt>{t('traces.outcome')}</dt>
      <dd data-outcome={result.outcome}>{t(`outcomes.${result.outcome}`)}</dd>
      {result.reason && (
        <>
          <dt>{t('result.reason')}</dt>
          <dd>{t(`notTraceableReasons.${result.reason}`)}</dd>
        </>
      )}
      {result.importer && (
        <>
          <dt>{t('weapons.importer')}</dt>
          <dd>{result.importer}</dd>
        </>
      )}
      {result.dealer && (
        <>
          <dt>{t('result.dealer')}</dt>
          <dd>
            {result.dealer.name} · {t('result.license', { number: result.dealer.licenseNumber })} · {result.dealer.city}
            , {result.dealer.state}
          </dd>
        </>
      )}
      {result.purchaser && (
        <>
          <dt>{t('result.purchaser')}</dt>
          <dd>
            {result.purchaser.firstName} {result.purchaser.lastName} · {format.date(result.purchaser.dateOfBirth)} ·{' '}
            {result.purchaser.city}, {result.purchaser.state}
          </dd>
        </>
      )}
      {result.saleDate && (
        <>
          <dt>{t('result.saleDate')}</dt>
          <dd>{format.date(result.saleDate)}</dd>
        </>
      )}
      {result.timeToCrimeDays !== undefined && (
        <>
          <dt>{t('result.timeToCrime')}</dt>
          <dd data-testid="time-to-crime">
            {format.yearsAndMonths(result.timeToCrimeDays)}{' '}
            {result.timeToCrimeDays >= 31 && <span className="hint">({format.days(result.timeToCrimeDays)}) </span>}
            <Badge tone={BAND_TONE[timeToCrimeBand(result.timeToCrimeDays)]}>
              {t(`result.ttcBands.${timeToCrimeBand(result.timeToCrimeDays)}`)}
            </Badge>
          </dd>
        </>
      )}
      <dt>{t('result.source')}</dt>
      <dd>{[result.sourceState, result.sourceCountry].filter(Boolean).join(', ')}</dd>
    </dl>
  );
}
