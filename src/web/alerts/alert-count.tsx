import { useLiveEvents } from '../events/live-events.tsx';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { request } from '../api/client.ts';

/** How often the top bar asks for the count when the live event stream cannot be opened. */
const REFRESH_MS = 30_000;

/** The top bar's link to the inbox: how many alerts are open, and — impossible to miss — how many are critical. */
const useAlertCount = () => {
  const live = useLiveEvents();
  return useQuery({
    queryKey: ['alerts', 'count'],
    queryFn: () => request<{ open: number; openCritical: number }>('/alerts/count'),
    refetchInterval: live ? false : REFRESH_MS,
  });
};

export function AlertCount() {
  const { t } = useTranslation();
  const count = useAlertCount();
  const open = count.data?.open ?? 0;
  const critical = count.data?.openCritical ?? 0;
  const label = [
    t('alerts.topBar', { count: open }),
    ...(critical ? [t('alerts.topBarCritical', { count: critical })] : []),
  ].join(', ');
  return (
    <NavLink
      to="/alerts?status=open"
      className={`alert-count${critical ? ' alert-count-critical' : open ? ' alert-count-open' : ''}`}
      aria-label={label}
      title={label}
      data-testid="alert-count"
    >
      {t('nav.alerts')}
      {open > 0 && (
        <span className="count" aria-hidden="true">
          {open}
        </span>
      )}
    </NavLink>
  );
}

/** Above every page while a critical alert is open: a gun recorded as destroyed, or in custody, turned up at a crime scene. */
export function CriticalAlertBanner() {
  const { t } = useTranslation();
  const critical = useAlertCount().data?.openCritical ?? 0;
  if (!critical) return null;
  return (
    <div className="critical-banner" role="alert" data-testid="critical-banner">
      {t('alerts.criticalOpen')}{' '}
      <NavLink to="/alerts?status=open&severity=critical">{t('alerts.topBarCritical', { count: critical })}</NavLink>
    </div>
  );
}
