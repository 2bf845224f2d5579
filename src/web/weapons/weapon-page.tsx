import { OpenAlertsBand } from '../alerts/open-alerts.tsx';
import { RegistryMatches } from '../registry/registry-matches.tsx';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { TraceStatus } from '../../traces/schemas.ts';
import type { WeaponDetail } from '../../weapons/schemas.ts';
import { request } from '../api/client.ts';
import { useMe } from '../session/session.tsx';
import { Badge } from '../ui/badges.tsx';
import { useFormat } from '../ui/format.ts';
import { ErrorNotice, Loading, Notice } from '../ui/notice.tsx';
import { TraceTable } from '../traces/trace-table.tsx';
import { WeaponLinks } from '../intelligence/weapon-links.tsx';
import { weaponLabel } from './weapon-label.ts';

/** One physical firearm across the system: its cases, traces, custody and destruction. */
export function WeaponPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const detail = useQuery({ queryKey: ['weapon', id], queryFn: () => request<WeaponDetail>(`/weapons/${id}`) });
  if (detail.isPending) return <Loading />;
  if (detail.error) return <ErrorNotice error={detail.error} />;
  const { weapon, cases, traces, stockpile, otherCasesOutsideScope, registryMatches, openAlerts } = detail.data;
  return (
    <section>
      <h1>{weaponLabel(t, weapon)}</h1>
      <OpenAlertsBand alerts={openAlerts} weaponId={weapon.id} />
      <RegistryMatches matches={registryMatches} />
      <dl className="facts">
        <dt>{t('weapons.manufacturer')}</dt>
        <dd>{weapon.manufacturer}</dd>
        <dt>{t('weapons.model')}</dt>
        <dd>{weapon.model}</dd>
        <dt>{t('weapons.caliber')}</dt>
        <dd>{weapon.caliber}</dd>
        <dt>{t('weapons.type')}</dt>
        <dd>{t(`weaponTypes.${weapon.type}`)}</dd>
        <dt>{t('weapons.serialNumber')}</dt>
        <dd>
          {weapon.serialNumber ?? '—'}
          {weapon.serialObliterated && ` (${t('weapons.serialObliterated')})`}
        </dd>
        <dt>{t('weapons.countryOfManufacture')}</dt>
        <dd>{weapon.countryOfManufacture}</dd>
        <dt>{t('weapons.importer')}</dt>
        <dd>{weapon.importer ?? '—'}</dd>
      </dl>

      <h2>{t('weapons.cases')}</h2>
      {otherCasesOutsideScope > 0 && <Notice>{t('weapons.otherCases', { count: otherCasesOutsideScope })}</Notice>}
      {cases.length === 0 ? (
        <p>{t('weapons.noCases')}</p>
      ) : (
        <ul className="plain">
          {cases.map((item) => (
            <li key={item.id}>
              <Link to={`/cases/${item.id}`}>{item.caseNumber}</Link> — {item.title}
              {' · '}
              {t(`caseStatus.${item.status as 'open'}`)}
            </li>
          ))}
        </ul>
      )}

      <h2>{t('weapons.traces')}</h2>
      {traces.length === 0 ? (
        <p>{t('weapons.noTraces')}</p>
      ) : (
        <TraceTable rows={traces.map((trace) => ({ ...trace, status: trace.status as TraceStatus }))} />
      )}

      <h2>{t('weapons.custody')}</h2>
      {!stockpile ? (
        <p>{t('weapons.notInCustody')}</p>
      ) : (
        <dl className="facts" data-testid="weapon-custody">
          <dt>{t('custody.reference')}</dt>
          <dd>{stockpile.reference}</dd>
          <dt>{t('custody.status')}</dt>
          <dd>
            {t(`itemStatus.${stockpile.status as 'in_custody'}`)}{' '}
            {stockpile.evidenceHold && <Badge tone="attention">{t('custody.onHold')}</Badge>}
          </dd>
          {stockpile.destruction && (
            <>
              <dt>{t('custody.destruction')}</dt>
              <dd>
                {me.role === 'stockpile_manager' || me.role === 'advisor' ? (
                  <Link to={`/destructions/${stockpile.destruction.id}`}>{stockpile.destruction.reference}</Link>
                ) : (
                  stockpile.destruction.reference
                )}
                {' · '}
                {t(`methods.${stockpile.destruction.method as 'cutting'}`)}
                {' · '}
                {stockpile.destruction.performedAt
                  ? format.dateTime(stockpile.destruction.performedAt)
                  : t('destructionStatus.planned')}
                {stockpile.destruction.verifiedAt && (
                  <> · {t('destructions.verifiedOn', { date: format.dateTime(stockpile.destruction.verifiedAt) })}</>
                )}
              </dd>
            </>
          )}
        </dl>
      )}

      <WeaponLinks weaponId={weapon.id} />
    </section>
  );
}
