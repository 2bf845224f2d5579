import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { OUTCOME_KEYS, type CountryReport } from '../../reports/schemas.ts';
import { stateName } from '../../shared/us-states.ts';
import { download, query, request } from '../api/client.ts';
import { useMe } from '../session/session.tsx';
import { SelectField } from '../ui/form.tsx';
import { useFormat } from '../ui/format.ts';
import { ErrorNotice, Loading } from '../ui/notice.tsx';
import { UsSourceMap } from './us-map.tsx';

/** The countries of the region the service is made for, the caller's own first. */
const COUNTRIES = ['SV', 'GT', 'HN', 'NI', 'CR', 'PA', 'BZ', 'MX', 'DO'];

/**
 * The country report, as advisors take it to a ministry: the key figures beside last year's, the map of US source
 * states (hover a state: its count and share), the tables, time-to-crime, the disclaimer; the spreadsheet and the PDF.
 */
export function CountryReportPage() {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const thisYear = new Date().getFullYear();
  const [country, setCountry] = useState(me.agency.country);
  const [year, setYear] = useState(String(thisYear));
  const reportOf = (of: number) => ({
    queryKey: ['report', 'country', country, of, i18n.language],
    queryFn: () => request<CountryReport>(`/reports/country${query({ country, year: of })}`),
  });
  const report = useQuery(reportOf(Number(year)));
  const before = useQuery(reportOf(Number(year) - 1));
  const countryName = (code: string) => new Intl.DisplayNames([i18n.language], { type: 'region' }).of(code) ?? code;
  const fileName = `rastreo-${country}-${year}`;
  const path = `/reports/country${query({ country, year, excel: true })}`;

  return (
    <section className="country-report">
      <div className="page-header">
        <h1>{t('countryReport.heading')}</h1>
        <Link to="/reports">{t('reports.title')}</Link>
      </div>
      <p className="lead">{t('countryReport.lead')}</p>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <SelectField
          label={t('countryReport.country')}
          value={country}
          onChange={setCountry}
          options={[...new Set([me.agency.country, ...COUNTRIES])].map((code) => ({
            value: code,
            label: countryName(code),
          }))}
        />
        <SelectField
          label={t('countryReport.year')}
          value={year}
          onChange={setYear}
          options={Array.from({ length: 10 }, (_, back) => String(thisYear - back)).map((value) => ({
            value,
            label: value,
          }))}
        />
      </form>
      <ErrorNotice error={report.error} />
      {report.isPending ? (
        <Loading />
      ) : (
        report.data && (
          <Report
            report={report.data}
            before={before.data}
            country={countryName(country)}
            download={(kind) =>
              void (kind === 'csv'
                ? download(path, 'text/csv', `${fileName}.csv`)
                : download(path, 'application/pdf', `${fileName}.pdf`))
            }
            format={format}
          />
        )
      )}
    </section>
  );
}

function Report({
  report,
  before,
  country,
  download,
  format,
}: {
  report: CountryReport;
  before: CountryReport | undefined;
  country: string;
  download: (kind: 'csv' | 'pdf') => void;
  format: ReturnType<typeof useFormat>;
}) {
  const { t } = useTranslation();
  const share = (count: number, of: number) => (of ? format.percent(count / of) : '—');
  const figures: [string, (r: CountryReport) => number][] = [
    [t('countryReport.recovered'), (r) => r.recovered],
    [t('countryReport.traced'), (r) => r.traced],
    [t('countryReport.usSourced'), (r) => r.usSourced.count],
    [t('countryReport.under1Year'), (r) => r.timeToCrime.under1Year],
  ];
  const states = new Map(report.bySourceState.filter((row) => row.state).map((row) => [row.state!, row.count]));
  const tables: { title: string; head: string; rows: [string, number][]; of: number; testId: string }[] = [
    {
      title: t('countryReport.sourceStates'),
      head: t('countryReport.state'),
      rows: report.bySourceState.map((row) => [
        row.state ? `${stateName(row.state)} (${row.state})` : t('countryReport.unknownState'),
        row.count,
      ]),
      of: report.usSourced.count,
      testId: 'table-states',
    },
    {
      title: t('countryReport.byType'),
      head: t('countryReport.type'),
      rows: report.byType.map((row) => [t(`weaponTypes.${row.type as 'pistol'}`), row.count]),
      of: report.recovered,
      testId: 'table-types',
    },
    {
      title: t('countryReport.manufacturers'),
      head: t('countryReport.manufacturer'),
      rows: report.topManufacturers.map((row) => [row.manufacturer ?? t('countryReport.others'), row.count]),
      of: report.recovered,
      testId: 'table-manufacturers',
    },
    {
      title: t('countryReport.calibers'),
      head: t('countryReport.caliber'),
      rows: report.topCalibers.map((row) => [row.caliber ?? t('countryReport.others'), row.count]),
      of: report.recovered,
      testId: 'table-calibers',
    },
    {
      title: t('countryReport.timeToCrime'),
      head: t('countryReport.timeToCrime'),
      rows: (['under1Year', 'oneToThreeYears', 'overThreeYears'] as const).map((key) => [
        t(`countryReport.${key}`),
        report.timeToCrime[key],
      ]),
      of: report.timeToCrime.count,
      testId: 'table-time-to-crime',
    },
    {
      title: t('countryReport.outcomes'),
      head: t('countryReport.outcome'),
      rows: OUTCOME_KEYS.map((key) => [t(`outcomes.${key}`), report.outcomes[key] ?? 0]),
      of: report.recovered,
      testId: 'table-outcomes',
    },
  ];
  return (
    <>
      <div className="actions">
        <button type="button" className="primary" onClick={() => download('csv')}>
          {t('countryReport.downloadCsv')}
        </button>
        <button type="button" onClick={() => download('pdf')}>
          {t('countryReport.downloadPdf')}
        </button>
      </div>
      {report.recovered === 0 && <p>{t('countryReport.empty', { country, year: report.year })}</p>}
      <table data-testid="country-figures">
        <thead>
          <tr>
            <th>{t('countryReport.subtitle', { country, year: report.year })}</th>
            <th>{report.year}</th>
            <th>{report.year - 1}</th>
            <th>{t('countryReport.change')}</th>
          </tr>
        </thead>
        <tbody>
          {figures.map(([label, of]) => {
            const now = of(report);
            const then = before ? of(before) : null;
            return (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td>{format.number(now)}</td>
                <td>{then === null ? '—' : format.number(then)}</td>
                <td>{then === null ? '—' : `${now - then > 0 ? '+' : ''}${format.number(now - then)}`}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {report.usSourced.share !== null && (
        <p>
          {t('countryReport.usSourced')}: {t('countryReport.share', { share: format.percent(report.usSourced.share) })}
        </p>
      )}
      <UsSourceMap
        counts={states}
        total={report.usSourced.count}
        title={t('countryReport.mapTitle', { country, year: report.year })}
      />
      <div className="report-tables">
        {tables.map((table) => (
          <Table key={table.testId} {...table} share={share} />
        ))}
      </div>
      {report.timeToCrime.medianDays !== null && (
        <p>{t('countryReport.medianDays', { days: format.number(report.timeToCrime.medianDays) })}</p>
      )}
      <p className="disclaimer" data-testid="disclaimer">
        {report.disclaimer}
      </p>
    </>
  );
}

function Table(props: {
  title: string;
  head: string;
  rows: [string, number][];
  of: number;
  share: (count: number, of: number) => string;
  testId: string;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <div>
      <h2>{props.title}</h2>
      <table data-testid={props.testId}>
        <thead>
          <tr>
            <th>{props.head}</th>
            <th>{t('countryReport.count')}</th>
            <th>{t('countryReport.percent')}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map(([label, count]) => (
            <tr key={label}>
              <td>{label}</td>
              <td>{format.number(count)}</td>
              <td>{props.share(count, props.of)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
