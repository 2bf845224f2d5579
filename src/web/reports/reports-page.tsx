import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { AgencyFilter } from '../ui/filters.tsx';
import type { Agency } from '../../identity/schemas.ts';
import { GROUP_BY, OUTCOME_KEYS, type TraceReport } from '../../reports/schemas.ts';
import { csvLine, csvSeparator } from '../../shared/csv.ts';
import { query, request, saveFile, type Page } from '../api/client.ts';
import { useMe } from '../session/session.tsx';
import { SimpleChart } from '../ui/chart.tsx';
import { SelectField } from '../ui/form.tsx';
import { todayIso, useFormat } from '../ui/format.ts';
import { ErrorNotice, Loading } from '../ui/notice.tsx';
import { DateField, whenDate } from '../ui/date-field.tsx';

type GroupBy = (typeof GROUP_BY)[number];
const yearAgo = () => {
  const date = new Date();
  date.setUTCFullYear(date.getUTCFullYear() - 1);
  return date.toISOString().slice(0, 10);
};

export function ReportsPage() {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const [from, setFrom] = useState(yearAgo());
  const [to, setTo] = useState(todayIso());
  const [agencyId, setAgencyId] = useState('');
  const [groupBy, setGroupBy] = useState<GroupBy>('manufacturer');
  const agencies = useQuery({
    queryKey: ['agencies'],
    queryFn: () => request<Page<Agency>>('/agencies?limit=200'),
    enabled: me.role !== 'investigator',
  });
  const filters = { from, to, agencyId };
  const report = (by: GroupBy) => ({
    queryKey: ['report', from, to, agencyId, by],
    queryFn: () => request<TraceReport>(`/reports/traces${query({ ...filters, groupBy: by })}`),
    enabled: Boolean(from && to),
  });
  const main = useQuery(report(groupBy));
  const byManufacturer = useQuery(report('manufacturer'));
  const byDepartment = useQuery(report('department'));
  const byMonth = useQuery(report('month'));

  const groupLabel = (by: GroupBy, key: string) => {
    if (key === 'unknown') return t('reports.unknown');
    if (by === 'outcome') return t(`outcomes.${key as (typeof OUTCOME_KEYS)[number]}`, { defaultValue: key });
    if (by === 'type') return t(`weaponTypes.${key as 'pistol'}`, { defaultValue: key });
    return key;
  };
  const top = (data: TraceReport | undefined, by: GroupBy, count = 10) => {
    const groups = [...(data?.groups ?? [])].sort((a, b) => b.count - a.count).slice(0, count);
    return { labels: groups.map((group) => groupLabel(by, group.key)), values: groups.map((group) => group.count) };
  };
  const months = [...(byMonth.data?.groups ?? [])].sort((a, b) => a.key.localeCompare(b.key));
  // The download is in the page's language, as the table shows it (the API's CSV keeps codes and English headers for
  // machines), made for spreadsheets like the API's `excel=true`: byte-order mark, `;` in Spanish, CRLF, months in order.
  const csv = () => {
    if (!main.data) return;
    const separator = csvSeparator(i18n.language);
    const groups =
      groupBy === 'month' ? [...main.data.groups].sort((a, b) => a.key.localeCompare(b.key)) : main.data.groups;
    const lines = [
      csvLine(
        [t(`groupBy.${groupBy}`), t('reports.count'), t('reports.completed'), t('reports.medianTimeToCrime')],
        separator,
      ),
      ...groups.map((group) =>
        csvLine([groupLabel(groupBy, group.key), group.count, group.completed, group.medianTimeToCrimeDays], separator),
      ),
    ];
    saveFile(
      new Blob([`\uFEFF${lines.join('\r\n')}\r\n`], { type: 'text/csv;charset=utf-8' }),
      `rastreo-${t(`groupBy.${groupBy}`)}-${from}-${to}.csv`,
    );
  };

  return (
    <section>
      <div className="page-header">
        <h1>{t('reports.title')}</h1>
        {me.role !== 'stockpile_manager' && <Link to="/reports/country">{t('countryReport.heading')}</Link>}
      </div>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <DateField label={t('reports.from')} value={from} onChange={whenDate(setFrom)} />
        <DateField label={t('reports.to')} value={to} onChange={whenDate(setTo)} />
        {me.role !== 'investigator' && (
          <AgencyFilter agencies={agencies.data?.items ?? []} value={agencyId} onChange={setAgencyId} />
        )}
        <SelectField
          label={t('reports.groupBy')}
          value={groupBy}
          onChange={(value) => setGroupBy(value as GroupBy)}
          options={GROUP_BY.map((value) => ({ value, label: t(`groupBy.${value}`) }))}
        />
      </form>
      <ErrorNotice error={main.error} />
      {main.isPending ? (
        <Loading />
      ) : (
        main.data && (
          <>
            <p className="hint" data-testid="report-as-of">
              {t('reports.asOf', { time: format.dateTime(main.data.asOf) })}
            </p>
            <ul className="cards" data-testid="report-cards">
              <li className="card">
                <span className="card-value">{format.number(main.data.total)}</span>
                <span className="card-label">{t('reports.total')}</span>
              </li>
              <li className="card">
                <span className="card-value">{format.days(main.data.timeToCrime.medianDays)}</span>
                <span className="card-label">{t('reports.medianTimeToCrime')}</span>
              </li>
              <li className="card">
                <span className="card-value">{format.percent(main.data.timeToCrime.under3YearsShare)}</span>
                <span className="card-label">{t('reports.under3Years')}</span>
              </li>
              <li className="card">
                <span className="card-value">{format.number(main.data.timeToCrime.count)}</span>
                <span className="card-label">{t('reports.withTimeToCrime')}</span>
              </li>
            </ul>
            <div className="chart-grid">
              <figure>
                <figcaption>{t('reports.outcomes')}</figcaption>
                <SimpleChart
                  label={t('reports.outcomes')}
                  locale={format.locale}
                  kind="horizontal"
                  labels={OUTCOME_KEYS.map((key) => t(`outcomes.${key}`))}
                  values={OUTCOME_KEYS.map((key) => main.data.byOutcome[key] ?? 0)}
                />
              </figure>
              <figure>
                <figcaption>{t('reports.timeToCrime')}</figcaption>
                <SimpleChart
                  label={t('reports.timeToCrime')}
                  locale={format.locale}
                  labels={[t('reports.p25'), t('reports.median'), t('reports.p75')]}
                  values={[
                    main.data.timeToCrime.p25Days ?? 0,
                    main.data.timeToCrime.medianDays ?? 0,
                    main.data.timeToCrime.p75Days ?? 0,
                  ]}
                />
              </figure>
              <figure>
                <figcaption>{t('reports.buckets')}</figcaption>
                <SimpleChart
                  label={t('reports.buckets')}
                  locale={format.locale}
                  labels={[t('reports.underOneYear'), t('reports.oneToThreeYears'), t('reports.overThreeYears')]}
                  values={[
                    main.data.timeToCrime.buckets.underOneYear,
                    main.data.timeToCrime.buckets.oneToThreeYears,
                    main.data.timeToCrime.buckets.overThreeYears,
                  ]}
                />
              </figure>
              <figure>
                <figcaption>{t('reports.topManufacturers')}</figcaption>
                <SimpleChart
                  label={t('reports.topManufacturers')}
                  locale={format.locale}
                  kind="horizontal"
                  {...top(byManufacturer.data, 'manufacturer')}
                />
              </figure>
              <figure>
                <figcaption>{t('reports.byDepartment')}</figcaption>
                <SimpleChart
                  label={t('reports.byDepartment')}
                  locale={format.locale}
                  kind="horizontal"
                  {...top(byDepartment.data, 'department', 14)}
                />
              </figure>
              <figure className="wide">
                <figcaption>{t('reports.byMonth')}</figcaption>
                <SimpleChart
                  label={t('reports.byMonth')}
                  locale={format.locale}
                  kind="line"
                  labels={months.map((group) => group.key)}
                  values={months.map((group) => group.count)}
                />
              </figure>
            </div>
            <div className="page-header">
              <h2>{t('reports.groupsBy', { groupBy: t(`groupBy.${groupBy}`) })}</h2>
              <button type="button" onClick={csv}>
                {t('reports.downloadCsv')}
              </button>
            </div>
            <table data-testid="report-groups">
              <thead>
                <tr>
                  <th>{t(`groupBy.${groupBy}`)}</th>
                  <th>{t('reports.count')}</th>
                  <th>{t('reports.completed')}</th>
                  <th>{t('reports.medianTimeToCrime')}</th>
                </tr>
              </thead>
              <tbody>
                {main.data.groups.map((group) => (
                  <tr key={group.key}>
                    <td>{groupLabel(groupBy, group.key)}</td>
                    <td className="number">{format.number(group.count)}</td>
                    <td className="number">{format.number(group.completed)}</td>
                    <td className="number">{format.days(group.medianTimeToCrimeDays)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )
      )}
    </section>
  );
}
