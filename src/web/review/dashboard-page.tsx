import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { QueueSummary } from '../../review/schemas.ts';
import { TRACE_STATUSES } from '../../traces/schemas.ts';
import { request } from '../api/client.ts';
import { SimpleChart } from '../ui/chart.tsx';
import { useFormat } from '../ui/format.ts';
import { ErrorNotice, Loading } from '../ui/notice.tsx';

export function DashboardPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const summary = useQuery({
    queryKey: ['queue-summary'],
    queryFn: () => request<QueueSummary>('/queue/summary'),
    refetchInterval: 30_000,
  });
  if (summary.isPending) return <Loading />;
  if (summary.error) return <ErrorNotice error={summary.error} />;
  const data = summary.data;
  const cards: [string, string][] = [
    [t('dashboard.urgent'), format.number(data.urgent)],
    [t('dashboard.overdue'), format.number(data.overdue)],
    [t('dashboard.oldestWaiting'), format.duration(data.oldestWaitingSeconds)],
    [t('dashboard.completedLast24h'), format.number(data.completedLast24h)],
    [
      t('dashboard.medianTurnaround'),
      format.duration(data.medianTurnaroundSeconds === null ? null : Math.round(data.medianTurnaroundSeconds)),
    ],
  ];
  return (
    <section>
      <div className="page-header">
        <h1>{t('dashboard.title')}</h1>
        <Link className="button primary" to="/queue">
          {t('dashboard.openQueue')}
        </Link>
      </div>
      <ul className="cards" data-testid="summary-cards">
        {cards.map(([label, value]) => (
          <li key={label} className="card">
            <span className="card-value">{value}</span>
            <span className="card-label">{label}</span>
          </li>
        ))}
      </ul>
      <h2>{t('dashboard.byStatus')}</h2>
      <SimpleChart
        label={t('dashboard.byStatus')}
        locale={format.locale}
        kind="horizontal"
        labels={TRACE_STATUSES.map((status) => t(`traceStatus.${status}`))}
        values={TRACE_STATUSES.map((status) => data.byStatus[status] ?? 0)}
      />
      <h2>{t('dashboard.byAgency')}</h2>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th>{t('queue.agency')}</th>
              {TRACE_STATUSES.map((status) => (
                <th key={status}>{t(`traceStatus.${status}`)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.byAgency.map((agency) => (
              <tr key={agency.agencyId}>
                <td>{agency.code}</td>
                {TRACE_STATUSES.map((status) => (
                  <td key={status} className="number">
                    {format.number(agency.byStatus[status] ?? 0)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
