import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { CaseDetail } from '../../cases/schemas.ts';
import type { TraceStatus } from '../../traces/schemas.ts';
import { request } from '../api/client.ts';
import { useMe } from '../session/session.tsx';
import { ConfirmDialog, type ConfirmRequest } from '../ui/confirm-dialog.tsx';
import { useFormat } from '../ui/format.ts';
import { ErrorNotice, Loading } from '../ui/notice.tsx';
import { TraceTable } from '../traces/trace-table.tsx';
import { weaponLabel } from '../weapons/weapon-label.ts';

export function CasePage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const queryClient = useQueryClient();
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const detail = useQuery({ queryKey: ['case', id], queryFn: () => request<CaseDetail>(`/cases/${id}`) });

  if (detail.isPending) return <Loading />;
  if (detail.error) return <ErrorNotice error={detail.error} />;
  const item = detail.data;
  const weapons = new Map(item.weapons.map((weapon) => [weapon.id, weapon]));
  const investigator = me.role === 'investigator';
  const toggle = () =>
    setConfirm({
      title: item.status === 'open' ? t('cases.close') : t('cases.reopen'),
      body: item.status === 'open' ? t('cases.closeConfirm') : t('cases.reopenConfirm'),
      confirmLabel: item.status === 'open' ? t('cases.close') : t('cases.reopen'),
      onConfirm: async () => {
        await request(`/cases/${id}`, {
          method: 'PATCH',
          body: { status: item.status === 'open' ? 'closed' : 'open' },
        });
        await queryClient.invalidateQueries({ queryKey: ['case', id] });
        await queryClient.invalidateQueries({ queryKey: ['cases'] });
      },
    });

  return (
    <section>
      <div className="page-header">
        <h1>{t('cases.caseHeading', { number: item.caseNumber })}</h1>
        <div className="actions">
          {investigator && item.status === 'open' && (
            <Link className="button primary" to={`/traces/new?caseId=${id}`}>
              {t('traces.new')}
            </Link>
          )}
          {investigator && (
            <button type="button" onClick={toggle}>
              {item.status === 'open' ? t('cases.close') : t('cases.reopen')}
            </button>
          )}
        </div>
      </div>
      <dl className="facts">
        <dt>{t('cases.caseTitle')}</dt>
        <dd>{item.title}</dd>
        <dt>{t('cases.offense')}</dt>
        <dd>{t(`offenses.${item.offense}`)}</dd>
        <dt>{t('cases.status')}</dt>
        <dd data-testid="case-status">{t(`caseStatus.${item.status}`)}</dd>
        <dt>{t('cases.openedAt')}</dt>
        <dd>{format.date(item.openedAt)}</dd>
      </dl>

      <h2>{t('cases.traces')}</h2>
      {item.traces.length === 0 ? (
        <p>{t('cases.noTraces')}</p>
      ) : (
        <TraceTable
          rows={item.traces.map((trace) => ({
            ...trace,
            status: trace.status as TraceStatus,
            weapon: {
              id: trace.weaponId,
              label: weapons.get(trace.weaponId) ? weaponLabel(t, weapons.get(trace.weaponId)!) : t('traces.weapon'),
            },
          }))}
        />
      )}
      {item.tracesTotal > item.traces.length && (
        <p>
          {t('cases.showingRecent', { shown: item.traces.length, total: item.tracesTotal })}{' '}
          <Link to={`/traces?caseId=${id}`}>{t('cases.seeAllTraces')}</Link>
        </p>
      )}

      <h2>{t('cases.weapons')}</h2>
      {item.weapons.length === 0 ? (
        <p>{t('cases.noWeapons')}</p>
      ) : (
        <ul className="plain">
          {item.weapons.map((weapon) => (
            <li key={weapon.id}>
              <Link to={`/weapons/${weapon.id}`}>{weaponLabel(t, weapon)}</Link>
            </li>
          ))}
        </ul>
      )}
      {item.weaponsTotal > item.weapons.length && (
        <p>
          {t('cases.showingRecent', { shown: item.weapons.length, total: item.weaponsTotal })}{' '}
          <Link to={`/weapons?caseId=${id}`}>{t('cases.seeAllWeapons')}</Link>
        </p>
      )}
      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
    </section>
  );
}
