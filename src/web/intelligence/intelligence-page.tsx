import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { INDICATOR_KINDS, type Indicator } from '../../intelligence/schemas.ts';
import { query } from '../api/client.ts';
import { LoadMore, usePagedList } from '../api/paged.tsx';
import { Badge } from '../ui/badges.tsx';
import { SelectField } from '../ui/form.tsx';
import { useFormat } from '../ui/format.ts';
import { ErrorNotice, Loading } from '../ui/notice.tsx';
import { indicatorText } from './indicator-text.ts';
import { DateField, whenDate } from '../ui/date-field.tsx';

/** Trafficking indicators in the caller's agency or region, newest activity first; each opens the traces behind it. */
export function IntelligencePage() {
  const { t } = useTranslation();
  const format = useFormat();
  const [kind, setKind] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const list = usePagedList<Indicator>(
    ['indicators', kind, from, to],
    (cursor) => `/intelligence/indicators${query({ kind, from, to, cursor })}`,
  );
  return (
    <section>
      <h1>{t('intelligence.title')}</h1>
      <p className="lead">{t('intelligence.lead')}</p>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <SelectField
          label={t('intelligence.kind')}
          value={kind}
          onChange={setKind}
          placeholder={t('common.all')}
          options={INDICATOR_KINDS.map((value) => ({ value, label: t(`indicatorKinds.${value}`) }))}
        />
        <DateField label={t('intelligence.from')} value={from} onChange={whenDate(setFrom)} />
        <DateField label={t('intelligence.to')} value={to} onChange={whenDate(setTo)} />
      </form>
      <ErrorNotice error={list.error} />
      {list.isPending ? (
        <Loading />
      ) : list.items.length === 0 ? (
        <p>{t('intelligence.none')}</p>
      ) : (
        <table data-testid="indicators">
          <thead>
            <tr>
              <th>{t('intelligence.severity')}</th>
              <th>{t('intelligence.kind')}</th>
              <th>{t('intelligence.what')}</th>
              <th>{t('intelligence.traces')}</th>
              <th>{t('intelligence.lastSeen')}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((indicator) => (
              <tr key={indicator.id} data-testid={`indicator-${indicator.reference}`}>
                <td>
                  <Badge tone={indicator.severity === 'high' ? 'danger' : 'attention'}>
                    {t(`indicatorSeverity.${indicator.severity}`)}
                  </Badge>
                </td>
                <td>
                  {t(`indicatorKinds.${indicator.kind}`)}
                  <div className="hint">{indicator.reference}</div>
                </td>
                <td>{indicatorText(t, indicator, format.date)}</td>
                <td>
                  <details>
                    <summary>{t('intelligence.showTraces', { count: indicator.traceCount })}</summary>
                    <ul className="plain">
                      {indicator.traces.map((trace) => (
                        <li key={trace.id}>
                          <Link to={`/traces/${trace.id}`}>{trace.reference}</Link>
                        </li>
                      ))}
                    </ul>
                    {indicator.tracesOutsideScope > 0 && (
                      <p className="hint">{t('intelligence.outside', { count: indicator.tracesOutsideScope })}</p>
                    )}
                  </details>
                </td>
                <td>{format.dateTime(indicator.lastSeen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore list={list} />
    </section>
  );
}
