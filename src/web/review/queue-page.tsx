import { OpenAlertsFlag } from '../alerts/open-alerts.tsx';
import { useLiveEvents } from '../events/live-events.tsx';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AgencyFilter, YesNoFilter } from '../ui/filters.tsx';
import { Link } from 'react-router';
import type { Agency } from '../../identity/schemas.ts';
import { DEFAULT_QUEUE_STATUSES, OPEN_STATUSES, type QueueItem } from '../../review/schemas.ts';
import type { TraceStatus } from '../../traces/schemas.ts';
import { query, request, type Page } from '../api/client.ts';
import { LoadMore, usePagedList } from '../api/paged.tsx';
import { useMe } from '../session/session.tsx';
import { OverdueBadge, TraceStatusBadge, UrgentBadge } from '../ui/badges.tsx';
import { ConfirmDialog, type ConfirmRequest } from '../ui/confirm-dialog.tsx';
import { SelectField } from '../ui/form.tsx';
import { useFormat } from '../ui/format.ts';
import { ErrorNotice, Loading } from '../ui/notice.tsx';
import { weaponLabel } from '../weapons/weapon-label.ts';
import { useTraceActions } from '../traces/trace-actions.tsx';

export function QueuePage() {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const actionsFor = useTraceActions();
  const [statuses, setStatuses] = useState<TraceStatus[]>([...DEFAULT_QUEUE_STATUSES]);
  const [agencyId, setAgencyId] = useState('');
  const [urgent, setUrgent] = useState('');
  const [assignedTo, setAssignedTo] = useState('');
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const agencies = useQuery({ queryKey: ['agencies'], queryFn: () => request<Page<Agency>>('/agencies?limit=200') });
  const agencyCode = new Map((agencies.data?.items ?? []).map((agency) => [agency.id, agency.code]));
  const status = (statuses.length ? statuses : DEFAULT_QUEUE_STATUSES).join(',');
  const live = useLiveEvents();
  const queue = usePagedList<QueueItem>(
    ['queue', status, agencyId, urgent, assignedTo],
    (cursor) => `/queue${query({ status, agencyId, urgent, assignedTo, cursor })}`,
    live ? undefined : 15_000,
  );
  const toggle = (value: TraceStatus) =>
    setStatuses((current) => (current.includes(value) ? current.filter((s) => s !== value) : [...current, value]));

  return (
    <section>
      <h1>{t('queue.title')}</h1>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <fieldset className="status-filter">
          <legend>{t('queue.statuses')}</legend>
          {OPEN_STATUSES.map((value) => (
            <label key={value} className="inline">
              <input type="checkbox" checked={statuses.includes(value)} onChange={() => toggle(value)} />{' '}
              {t(`traceStatus.${value}`)}
            </label>
          ))}
        </fieldset>
        <AgencyFilter agencies={agencies.data?.items ?? []} value={agencyId} onChange={setAgencyId} />
        <YesNoFilter label={t('traces.urgent')} value={urgent} onChange={setUrgent} />
        <SelectField
          label={t('queue.assigned')}
          value={assignedTo}
          onChange={setAssignedTo}
          placeholder={t('common.all')}
          options={[
            { value: 'me', label: t('queue.assignedMe') },
            { value: 'none', label: t('queue.assignedNone') },
          ]}
        />
      </form>
      <ErrorNotice error={queue.error} />
      {queue.isPending ? (
        <Loading />
      ) : queue.items.length === 0 ? (
        <p>{t('queue.empty')}</p>
      ) : (
        <table className="queue" data-testid="queue">
          <thead>
            <tr>
              <th>{t('traces.reference')}</th>
              <th>{t('queue.agency')}</th>
              <th>{t('traces.weapon')}</th>
              <th>{t('traces.status')}</th>
              <th>{t('queue.waiting')}</th>
              <th>{t('queue.assigned')}</th>
              <th>{t('queue.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {queue.items.map((item) => (
              <tr key={item.id} data-reference={item.reference}>
                <td>
                  <Link to={`/traces/${item.id}`}>{item.reference}</Link>
                  <OpenAlertsFlag alerts={item.openAlerts} weaponId={item.weaponId} />
                </td>
                <td>{agencyCode.get(item.agencyId) ?? '—'}</td>
                <td>
                  <Link to={`/weapons/${item.weaponId}`}>{weaponLabel(t, item.weapon)}</Link>
                </td>
                <td>
                  <div className="badges">
                    <TraceStatusBadge status={item.status} />
                    {item.urgent && <UrgentBadge />}
                    {item.overdue && <OverdueBadge />}
                  </div>
                  {(item.qualityFlags.some((flag) => flag !== 'urgent') || item.urgentReason) && (
                    <ul className="why" aria-label={t('queue.why')}>
                      {item.qualityFlags
                        .filter((flag) => flag !== 'urgent')
                        .map((flag) => (
                          <li key={flag}>{t(`qualityFlags.${flag}`)}</li>
                        ))}
                      {item.urgentReason && <li>{t('queue.urgentBecause', { reason: item.urgentReason })}</li>}
                    </ul>
                  )}
                </td>
                <td>{format.duration(item.waitingSeconds)}</td>
                <td>
                  {item.assignedTo === null
                    ? '—'
                    : item.assignedTo === me.id
                      ? t('queue.assignedMe')
                      : t('queue.assignedOther')}
                </td>
                <td>
                  <div className="row-actions">
                    {actionsFor(item).map((action) => (
                      <button
                        key={action.key}
                        type="button"
                        className={action.key === 'cancel' ? 'danger small' : 'small'}
                        aria-label={`${action.label} ${item.reference}`}
                        onClick={() => setConfirm(action.request)}
                      >
                        {action.label}
                      </button>
                    ))}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore list={queue} />
      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
    </section>
  );
}
