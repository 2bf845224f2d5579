import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Indicator } from '../../intelligence/schemas.ts';
import { query, request, type Page } from '../api/client.ts';
import { Badge } from '../ui/badges.tsx';

/**
 * The trafficking indicators a trace belongs to, each with the other traces behind it that the reader may open: what
 * makes a completed result actionable (a repeat buyer, a dealer's cluster, a serial sequence, a short time-to-crime).
 */
export function TraceIndicators({ traceId }: { traceId: string }) {
  const { t } = useTranslation();
  const indicators = useQuery({
    queryKey: ['intelligence', 'of-trace', traceId],
    queryFn: () => request<Page<Indicator>>(`/intelligence/indicators${query({ traceId, limit: 20 })}`),
  });
  const items = indicators.data?.items ?? [];
  if (!items.length) return null;
  return (
    <section className="trace-indicators" data-testid="trace-indicators" aria-labelledby="trace-indicators-title">
      <h2 id="trace-indicators-title">{t('result.indicatorsTitle')}</h2>
      <ul className="plain">
        {items.map((indicator) => {
          const others = indicator.traces.filter((trace) => trace.id !== traceId);
          return (
            <li key={indicator.id} data-indicator-kind={indicator.kind}>
              <Badge tone={indicator.severity === 'high' ? 'danger' : 'attention'}>
                {t(`indicatorKinds.${indicator.kind}`)}
              </Badge>{' '}
              <Link to={`/intelligence?kind=${indicator.kind}`}>{indicator.reference}</Link> ·{' '}
              {t('result.indicatorTraces', { count: indicator.traceCount })}
              {others.length > 0 && (
                <>
                  {' — '}
                  {t('result.alsoIn')}{' '}
                  {others.map((trace, index) => (
                    <span key={trace.id}>
                      {index > 0 && ', '}
                      <Link to={`/traces/${trace.id}`}>{trace.reference}</Link>
                    </span>
                  ))}
                </>
              )}
              {indicator.tracesOutsideScope > 0 && (
                <span className="hint"> · {t('intelligence.outside', { count: indicator.tracesOutsideScope })}</span>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
