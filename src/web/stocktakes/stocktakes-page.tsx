import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { Stocktake, StocktakeDetail, Store } from '../../stocktakes/schemas.ts';
import { STOCKTAKE_LIFECYCLE } from '../../stocktakes/transitions.ts';
import { mayTake } from '../../shared/lifecycle.ts';
import { ApiProblem, request } from '../api/client.ts';
import { LoadMore, usePagedList } from '../api/paged.tsx';
import { useMe } from '../session/session.tsx';
import { Badge } from '../ui/badges.tsx';
import { TextField } from '../ui/form.tsx';
import { useFormat } from '../ui/format.ts';
import { ErrorNotice, Loading } from '../ui/notice.tsx';
import { useFormSubmit } from '../ui/use-form-submit.ts';
import { LabelsButton } from './labels-button.tsx';

/** Counts of the stores: open one (stockpile managers), the stores by their last full count, and every count in scope. */
export function StocktakesPage() {
  const { t } = useTranslation();
  const me = useMe();
  const opens = mayTake(STOCKTAKE_LIFECYCLE, 'open', null, me.role);
  return (
    <section>
      <div className="page-header">
        <h1>{t('stocktakes.heading')}</h1>
      </div>
      <p className="lead">{t('stocktakes.lead')}</p>
      {opens && <OpenForm />}
      <Stores />
      <Counts />
    </section>
  );
}

function OpenForm() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [store, setStore] = useState('');
  const [note, setNote] = useState('');
  const stores = useQuery({
    queryKey: ['stockpile', 'stores'],
    queryFn: () => request<{ items: Store[] }>('/stockpile/stores'),
  });
  const errors: Record<string, string> = store.trim() ? {} : { '/storageLocation': t('fieldErrors.required') };
  const form = useFormSubmit(errors, async () => {
    try {
      const opened = await request<StocktakeDetail>('/stockpile/stocktakes', {
        method: 'POST',
        body: { storageLocation: store.trim(), ...(note.trim() ? { note: note.trim() } : {}) },
      });
      await client.invalidateQueries({ queryKey: ['stockpile'] });
      void navigate(`/stocktakes/${opened.id}`);
    } catch (error) {
      const open = error instanceof ApiProblem ? (error.body.duplicateOf as string | undefined) : undefined;
      if (open) return void navigate(`/stocktakes/${open}`);
      throw error;
    }
  });
  return (
    <form className="panel" onSubmit={(event) => void form.submit(event)} noValidate>
      <h2>{t('stocktakes.openTitle')}</h2>
      <TextField
        label={t('stocktakes.store')}
        required
        value={store}
        onChange={setStore}
        maxLength={200}
        error={form.errorAt('/storageLocation')}
        list="known-stores"
      />
      <datalist id="known-stores">
        {stores.data?.items
          .filter((known) => known.agency.id === me.agency.id)
          .map((known) => (
            <option key={known.storageLocation} value={known.storageLocation} />
          ))}
      </datalist>
      <TextField label={t('stocktakes.note')} value={note} onChange={setNote} maxLength={2000} />
      <ErrorNotice error={form.failure} />
      <button type="submit" className="primary" disabled={form.busy}>
        {t('stocktakes.open')}
      </button>
    </form>
  );
}

/** The stores by the date of their last full count; those not counted within a year first, marked overdue. */
function Stores() {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const stores = useQuery({
    queryKey: ['stockpile', 'stores'],
    queryFn: () => request<{ items: Store[] }>('/stockpile/stores'),
  });
  if (stores.isPending) return <Loading />;
  if (stores.error) return <ErrorNotice error={stores.error} />;
  return (
    <>
      <h2>{t('stocktakes.storesTitle')}</h2>
      <p>{t('stocktakes.storesLead')}</p>
      {stores.data.items.length === 0 ? (
        <p>{t('stocktakes.noStores')}</p>
      ) : (
        <table data-testid="stores">
          <thead>
            <tr>
              <th>{t('stocktakes.store')}</th>
              <th>{t('queue.agency')}</th>
              <th>{t('stocktakes.items')}</th>
              <th>{t('stocktakes.lastCount')}</th>
              <th>{t('stocktakes.missingShort')}</th>
              <th>{t('queue.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {stores.data.items.map((store) => (
              <tr
                key={`${store.agency.id} ${store.storageLocation}`}
                className={store.overdue ? 'overdue' : undefined}
                data-store={store.storageLocation}
              >
                <td>
                  {store.storageLocation} {store.overdue && <Badge tone="attention">{t('stocktakes.overdue')}</Badge>}
                </td>
                <td>{store.agency.code}</td>
                <td>{store.items}</td>
                <td>
                  {store.lastCount ? (
                    <Link to={`/stocktakes/${store.lastCount.stocktakeId}`}>
                      {format.date(store.lastCount.closedAt)} ({store.lastCount.reference})
                    </Link>
                  ) : (
                    t('stocktakes.never')
                  )}
                  {store.openStocktake && (
                    <>
                      {' · '}
                      <Link to={`/stocktakes/${store.openStocktake.id}`}>
                        {t('stocktakes.countInProgress', { reference: store.openStocktake.reference })}
                      </Link>
                    </>
                  )}
                </td>
                <td>{store.lastCount ? store.lastCount.missing : '—'}</td>
                <td>
                  {me.role === 'stockpile_manager' && me.agency.id === store.agency.id && store.items > 0 && (
                    <LabelsButton storageLocation={store.storageLocation} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function Counts() {
  const { t } = useTranslation();
  const format = useFormat();
  const list = usePagedList<Stocktake>(['stockpile', 'stocktakes'], (cursor) =>
    cursor ? `/stockpile/stocktakes?cursor=${cursor}` : '/stockpile/stocktakes',
  );
  return (
    <>
      <h2>{t('stocktakes.listTitle')}</h2>
      <ErrorNotice error={list.error} />
      {list.isPending ? (
        <Loading />
      ) : list.items.length === 0 ? (
        <p>{t('stocktakes.none')}</p>
      ) : (
        <table data-testid="stocktakes">
          <thead>
            <tr>
              <th>{t('stocktakes.reference')}</th>
              <th>{t('stocktakes.store')}</th>
              <th>{t('stocktakes.status')}</th>
              <th>{t('stocktakes.opened')}</th>
              <th>{t('stocktakes.items')}</th>
              <th>{t('stocktakes.missingShort')}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((stocktake) => (
              <tr key={stocktake.id}>
                <td>
                  <Link to={`/stocktakes/${stocktake.id}`}>{stocktake.reference}</Link>
                </td>
                <td>{stocktake.storageLocation}</td>
                <td>{t(`stocktakes.statuses.${stocktake.status}`)}</td>
                <td>{format.dateTime(stocktake.openedAt)}</td>
                <td>{t('stocktakes.progress', { counted: stocktake.counted, expected: stocktake.expected })}</td>
                <td>
                  {stocktake.missingCount === null ? (
                    '—'
                  ) : stocktake.missingCount > 0 ? (
                    <Badge tone="danger">{String(stocktake.missingCount)}</Badge>
                  ) : (
                    '0'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore list={list} />
    </>
  );
}
