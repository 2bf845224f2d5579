import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AttachmentsPanel } from '../attachments/attachments-panel.tsx';
import { Link, useParams } from 'react-router';
import type { ItemEvent, StockpileItem } from '../../stockpile/schemas.ts';
import { HOLD_LIFECYCLE, holdStateOf } from '../../stockpile/transitions.ts';
import { mayTake } from '../../shared/lifecycle.ts';
import { request } from '../api/client.ts';
import { LoadMore, usePagedList } from '../api/paged.tsx';
import { CaseLink } from '../cases/case-link.tsx';
import { RegistryMatches } from '../registry/registry-matches.tsx';
import { OpenAlertsBand } from '../alerts/open-alerts.tsx';
import { useMe } from '../session/session.tsx';
import { Badge } from '../ui/badges.tsx';
import { ConfirmDialog, type ConfirmRequest } from '../ui/confirm-dialog.tsx';
import { useFormat } from '../ui/format.ts';
import { ErrorNotice, Loading } from '../ui/notice.tsx';
import { weaponLabel } from '../weapons/weapon-label.ts';
import { useHoldAction } from './hold-action.ts';
import { LabelsButton } from '../stocktakes/labels-button.tsx';

/** One stockpile item: where it is, whether it is held as evidence, and its whole custody history with the reasons. */
export function StockItemPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const holdAction = useHoldAction(setConfirm);
  const item = useQuery({
    queryKey: ['stockpile', 'item', id],
    queryFn: () => request<StockpileItem>(`/stockpile/items/${id}`),
  });
  const history = usePagedList<ItemEvent>(
    ['stockpile', 'item', id, 'events'],
    (cursor) => `/stockpile/items/${id}/events${cursor ? `?cursor=${cursor}` : ''}`,
  );
  if (item.isPending) return <Loading />;
  if (item.error) return <ErrorNotice error={item.error} />;
  const it = item.data;
  const action = it.evidenceHold ? 'release' : 'hold';
  return (
    <section>
      <div className="page-header">
        <h1>{t('custody.itemHeading', { reference: it.reference })}</h1>
        <div className="badges">
          <Badge tone={it.status === 'destroyed' ? 'neutral' : 'info'}>{t(`itemStatus.${it.status}`)}</Badge>
          {it.evidenceHold && <Badge tone="attention">{t('custody.onHold')}</Badge>}
        </div>
      </div>
      <OpenAlertsBand alerts={it.openAlerts} weaponId={it.weaponId} />
      <div className="actions">
        {it.status === 'in_custody' &&
          mayTake(HOLD_LIFECYCLE, it.evidenceHold ? 'release_hold' : 'hold', holdStateOf(it), me.role) && (
            <button type="button" onClick={() => holdAction(it)}>
              {t(`custody.${action}`)}
            </button>
          )}
        {it.status !== 'destroyed' && me.role === 'stockpile_manager' && (
          <LabelsButton itemId={it.id} reference={it.reference} />
        )}
      </div>
      <RegistryMatches matches={it.registryMatches} />
      <dl className="facts">
        <dt>{t('traces.weapon')}</dt>
        <dd>
          <Link to={`/weapons/${it.weaponId}`}>{weaponLabel(t, it.weapon)}</Link>
        </dd>
        <dt>{t('custody.source')}</dt>
        <dd>{t(`itemSources.${it.source}`)}</dd>
        <dt>{t('custody.intakeDate')}</dt>
        <dd>{format.date(it.intakeDate)}</dd>
        <dt>{t('custody.location')}</dt>
        <dd>{it.storageLocation}</dd>
        <dt>{t('traces.case')}</dt>
        <dd>{it.caseId ? <CaseLink caseId={it.caseId} /> : '—'}</dd>
        {it.destructionId && (
          <>
            <dt>{t('custody.destruction')}</dt>
            <dd>
              <Link to={`/destructions/${it.destructionId}`}>{t('custody.destruction')}</Link>
            </dd>
          </>
        )}
      </dl>
      <AttachmentsPanel record="stockpile_item" id={it.id} kinds={['marking', 'serial', 'overall', 'document']} />
      <h2>{t('custody.history')}</h2>
      <ErrorNotice error={history.error} />
      {history.isPending ? (
        <Loading />
      ) : (
        <table data-testid="item-history">
          <thead>
            <tr>
              <th>{t('custody.when')}</th>
              <th>{t('custody.what')}</th>
              <th>{t('custody.who')}</th>
              <th>{t('custody.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {history.items.map((event, index) => (
              <tr key={index}>
                <td>{format.dateTime(event.at)}</td>
                <td>{t(`itemEvents.${event.type}`)}</td>
                <td>{event.actor ? `${event.actor.name} (${t(`roles.${event.actor.role as 'advisor'}`)})` : '—'}</td>
                <td>{event.reason ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore list={history} />
      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
    </section>
  );
}
