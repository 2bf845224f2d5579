import { OpenAlertsFlag } from '../alerts/open-alerts.tsx';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ITEM_STATUSES, type StockpileItem } from '../../stockpile/schemas.ts';
import { query } from '../api/client.ts';
import { LoadMore, usePagedList } from '../api/paged.tsx';
import { Badge } from '../ui/badges.tsx';
import { ConfirmDialog, type ConfirmRequest } from '../ui/confirm-dialog.tsx';
import { SelectField } from '../ui/form.tsx';
import { useFormat } from '../ui/format.ts';
import { ErrorNotice, Loading } from '../ui/notice.tsx';
import { weaponLabel } from '../weapons/weapon-label.ts';
import { useHoldAction } from './hold-action.ts';
import { IntakeForm } from './intake-form.tsx';

export function CustodyPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const [status, setStatus] = useState('in_custody');
  const [hold, setHold] = useState('');
  const [intake, setIntake] = useState(false);
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const items = usePagedList<StockpileItem>(
    ['stockpile', status, hold],
    (cursor) => `/stockpile/items${query({ status, evidenceHold: hold, cursor })}`,
  );

  const holdAction = useHoldAction(setConfirm);

  return (
    <section>
      <div className="page-header">
        <h1>{t('custody.title')}</h1>
        <div className="actions">
          {!intake && (
            <button type="button" onClick={() => setIntake(true)}>
              {t('custody.intake')}
            </button>
          )}
          <Link className="button primary" to="/destructions/new">
            {t('destructions.plan')}
          </Link>
        </div>
      </div>
      {intake && <IntakeForm onDone={() => setIntake(false)} />}
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <SelectField
          label={t('custody.status')}
          value={status}
          onChange={setStatus}
          placeholder={t('common.all')}
          options={ITEM_STATUSES.map((value) => ({ value, label: t(`itemStatus.${value}`) }))}
        />
        <SelectField
          label={t('custody.evidenceHold')}
          value={hold}
          onChange={setHold}
          placeholder={t('common.all')}
          options={[
            { value: 'true', label: t('common.yes') },
            { value: 'false', label: t('common.no') },
          ]}
        />
      </form>
      <ErrorNotice error={items.error} />
      {items.isPending ? (
        <Loading />
      ) : items.items.length === 0 ? (
        <p>{t('custody.none')}</p>
      ) : (
        <table data-testid="custody">
          <thead>
            <tr>
              <th>{t('custody.reference')}</th>
              <th>{t('traces.weapon')}</th>
              <th>{t('custody.source')}</th>
              <th>{t('custody.intakeDate')}</th>
              <th>{t('custody.location')}</th>
              <th>{t('custody.status')}</th>
              <th>{t('queue.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {items.items.map((item) => (
              <tr key={item.id} data-reference={item.reference}>
                <td>
                  <Link to={`/stockpile/${item.id}`}>{item.reference}</Link>
                  <OpenAlertsFlag alerts={item.openAlerts} weaponId={item.weaponId} />
                </td>
                <td>
                  <Link to={`/weapons/${item.weaponId}`}>{weaponLabel(t, item.weapon)}</Link>
                </td>
                <td>{t(`itemSources.${item.source}`)}</td>
                <td>{format.date(item.intakeDate)}</td>
                <td>{item.storageLocation}</td>
                <td>
                  <div className="badges">
                    {t(`itemStatus.${item.status}`)}{' '}
                    {item.evidenceHold && <Badge tone="attention">{t('custody.onHold')}</Badge>}
                    {item.destructionId && (
                      <Link to={`/destructions/${item.destructionId}`}>{t('custody.destruction')}</Link>
                    )}
                    {item.registryMatches.length > 0 && (
                      <Badge tone="danger">
                        {t('registry.reportedAs', {
                          kind: t(`lossKinds.${item.registryMatches[0]!.kind}`),
                          reference: item.registryMatches[0]!.reference,
                        })}
                      </Badge>
                    )}
                  </div>
                </td>
                <td>
                  {item.status === 'in_custody' && (
                    <button type="button" className="small" onClick={() => holdAction(item)}>
                      {item.evidenceHold ? t('custody.release') : t('custody.hold')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore list={items} />
      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
    </section>
  );
}
