import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { ALERT_KINDS, ALERT_SEVERITIES, ALERT_STATUSES, type Alert } from '../../alerts/schemas.ts';
import { ALERT_LIFECYCLE } from '../../alerts/transitions.ts';
import { mayTake, rolesOf } from '../../shared/lifecycle.ts';
import { query, request } from '../api/client.ts';
import { LoadMore, usePagedList } from '../api/paged.tsx';
import { useMe } from '../session/session.tsx';
import { Badge } from '../ui/badges.tsx';
import { ConfirmDialog, type ConfirmRequest } from '../ui/confirm-dialog.tsx';
import { SelectField } from '../ui/form.tsx';
import { useFormat } from '../ui/format.ts';
import { ErrorNotice, Loading } from '../ui/notice.tsx';
import { alertMessage, subjectPath } from './alert-message.ts';

/** The alerts inbox: what concerns the caller's agency (or region), open critical ones first, then newest. */
export function AlertsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const queryClient = useQueryClient();
  // The filters live in the address, so a link (the top bar, the critical banner, a record's alert band) opens the
  // inbox narrowed to what it counts. No status in the address means open ones; `status=` means any.
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? 'open';
  const kind = params.get('kind') ?? '';
  const severity = params.get('severity') ?? '';
  const weaponId = params.get('weaponId') ?? '';
  const setFilter = (name: string) => (value: string) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.set(name, value);
        return next;
      },
      { replace: true },
    );
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const alerts = usePagedList<Alert>(
    ['alerts', 'list', status, kind, severity, weaponId],
    (cursor) => `/alerts${query({ status, kind, severity, weaponId, cursor })}`,
  );
  const acts = rolesOf(ALERT_LIFECYCLE, 'close').includes(me.role);

  const act = (alert: Alert, action: 'acknowledge' | 'close') =>
    setConfirm({
      title: t(action === 'close' ? 'alerts.closeTitle' : 'alerts.acknowledgeTitle'),
      body: `${alertMessage(t, alert)} ${t(action === 'close' ? 'alerts.closeBody' : 'alerts.acknowledgeBody')}`,
      confirmLabel: t(`alerts.${action}`),
      ...(action === 'close' ? { textLabel: t('alerts.closingNote') } : {}),
      onConfirm: async (note) => {
        await request(`/alerts/${alert.id}/${action}`, { method: 'POST', body: action === 'close' ? { note } : {} });
        await queryClient.invalidateQueries({ queryKey: ['alerts'] });
      },
    });

  return (
    <section>
      <h1>{t('alerts.title')}</h1>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <SelectField
          label={t('alerts.status')}
          value={status}
          onChange={setFilter('status')}
          placeholder={t('common.all')}
          options={ALERT_STATUSES.map((value) => ({ value, label: t(`alertStatus.${value}`) }))}
        />
        <SelectField
          label={t('alerts.kind')}
          value={kind}
          onChange={setFilter('kind')}
          placeholder={t('common.all')}
          options={ALERT_KINDS.map((value) => ({ value, label: t(`alertKinds.${value}`) }))}
        />
        <SelectField
          label={t('alerts.severity')}
          value={severity}
          onChange={setFilter('severity')}
          placeholder={t('common.all')}
          options={ALERT_SEVERITIES.map((value) => ({ value, label: t(`alertSeverity.${value}`) }))}
        />
      </form>
      {weaponId && (
        <p data-testid="alerts-of-weapon">
          {t('alerts.filteredByWeapon')} <Link to={`/weapons/${weaponId}`}>{t('traces.weapon')}</Link> ·{' '}
          <button
            type="button"
            className="link"
            onClick={() =>
              setParams((current) => {
                const next = new URLSearchParams(current);
                next.delete('weaponId');
                return next;
              })
            }
          >
            {t('alerts.showAll')}
          </button>
        </p>
      )}
      <ErrorNotice error={alerts.error} />
      {alerts.isPending ? (
        <Loading />
      ) : alerts.items.length === 0 ? (
        <p>{t('alerts.none')}</p>
      ) : (
        <table data-testid="alerts">
          <thead>
            <tr>
              <th>{t('alerts.severity')}</th>
              <th>{t('alerts.kind')}</th>
              <th>{t('alerts.what')}</th>
              <th>{t('alerts.raised')}</th>
              <th>{t('alerts.status')}</th>
              {acts && <th>{t('alerts.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {alerts.items.map((alert) => (
              <tr
                key={alert.id}
                className={alert.severity === 'critical' && alert.status !== 'closed' ? 'alert-critical' : undefined}
              >
                <td>
                  <Badge tone={alert.severity === 'critical' ? 'danger' : 'attention'}>
                    {t(`alertSeverity.${alert.severity}`)}
                  </Badge>
                </td>
                <td>{t(`alertKinds.${alert.kind}`)}</td>
                <td>
                  <Link to={subjectPath(alert)}>{alertMessage(t, alert)}</Link>
                  {alert.reasons.length > 0 && (
                    <ul className="why" aria-label={t('alerts.reasons')}>
                      {alert.reasons.map((reason) => (
                        <li key={`${reason.indicatorKind}|${reason.key}`}>{reason.text}</li>
                      ))}
                    </ul>
                  )}
                  {alert.status !== 'closed' && <div className="next-step">{t(`alertNextSteps.${alert.kind}`)}</div>}
                  {alert.status === 'acknowledged' && (
                    <div className="hint">
                      {t('alerts.acknowledgedBy', { date: format.dateTime(alert.acknowledgedAt) })}
                    </div>
                  )}
                  {alert.status === 'closed' && (
                    <div className="hint">
                      {t('alerts.closedNote', { date: format.dateTime(alert.closedAt), note: alert.closingNote ?? '' })}
                    </div>
                  )}
                </td>
                <td>{format.dateTime(alert.createdAt)}</td>
                <td>{t(`alertStatus.${alert.status}`)}</td>
                {acts && (
                  <td className="actions">
                    {mayTake(ALERT_LIFECYCLE, 'acknowledge', alert.status, me.role) && (
                      <button
                        type="button"
                        aria-label={`${t('alerts.acknowledge')}: ${t(`alertKinds.${alert.kind}`)} ${alert.subject.reference}`}
                        onClick={() => act(alert, 'acknowledge')}
                      >
                        {t('alerts.acknowledge')}
                      </button>
                    )}
                    {mayTake(ALERT_LIFECYCLE, 'close', alert.status, me.role) && (
                      <button
                        type="button"
                        aria-label={`${t('alerts.close')}: ${t(`alertKinds.${alert.kind}`)} ${alert.subject.reference}`}
                        onClick={() => act(alert, 'close')}
                      >
                        {t('alerts.close')}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore list={alerts} />
      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
    </section>
  );
}
