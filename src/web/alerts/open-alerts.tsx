import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { OpenAlert } from '../../alerts/schemas.ts';
import { Badge } from '../ui/badges.tsx';

/** One line per kind (a gun's trace and its custody record may each carry an alert of one kind), critical first. */
export const kindsOf = (alerts: readonly OpenAlert[]) => [
  ...new Map(alerts.map((alert) => [alert.kind, alert] as const)).values(),
];

/** The inbox narrowed to one gun's alerts, of any status. */
export const alertsOfWeaponPath = (weaponId: string) => `/alerts?status=&weaponId=${weaponId}`;

/**
 * The red band at the top of every record of a gun that has open alerts (a trace, a stockpile item, a weapon, a
 * destruction's item): what each alert is, what to do next, and the way to the alerts themselves.
 */
export function OpenAlertsBand({ alerts, weaponId }: { alerts: readonly OpenAlert[]; weaponId: string }) {
  const { t } = useTranslation();
  if (!alerts.length) return null;
  const critical = alerts.some((alert) => alert.severity === 'critical');
  return (
    <div
      className={`diversion-band${critical ? ' diversion-band-critical' : ''}`}
      role="alert"
      data-testid="open-alerts-band"
    >
      <strong>{t('alerts.bandTitle', { count: alerts.length })}</strong>
      <ul className="plain">
        {kindsOf(alerts).map((alert) => (
          <li key={alert.kind} data-alert-kind={alert.kind}>
            <Badge tone={alert.severity === 'critical' ? 'danger' : 'attention'}>
              {t(`alertSeverity.${alert.severity}`)}
            </Badge>{' '}
            <strong>{t(`alertKinds.${alert.kind}`)}</strong> — {t(`alertNextSteps.${alert.kind}`)}
          </li>
        ))}
      </ul>
      <Link to={alertsOfWeaponPath(weaponId)}>{t('alerts.bandSeeAll')}</Link>
    </div>
  );
}

/** The flag a list row carries when its gun has open alerts: a link to them, critical ones in red. */
export function OpenAlertsFlag({ alerts, weaponId }: { alerts: readonly OpenAlert[]; weaponId: string }) {
  const { t } = useTranslation();
  if (!alerts.length) return null;
  const critical = alerts.some((alert) => alert.severity === 'critical');
  return (
    <Link
      to={alertsOfWeaponPath(weaponId)}
      className={`alert-flag badge ${critical ? 'badge-danger' : 'badge-attention'}`}
      aria-label={t('alerts.flagLabel', { count: alerts.length })}
      title={t('alerts.flagLabel', { count: alerts.length })}
      data-testid="open-alerts-flag"
    >
      {t(critical ? 'alerts.flagCritical' : 'alerts.flag')}
    </Link>
  );
}
