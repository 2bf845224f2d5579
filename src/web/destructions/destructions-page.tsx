import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DESTRUCTION_STATUSES, type Destruction } from '../../destructions/schemas.ts';
import { query } from '../api/client.ts';
import { LoadMore, usePagedList } from '../api/paged.tsx';
import { useMe } from '../session/session.tsx';
import { SelectField } from '../ui/form.tsx';
import { useFormat } from '../ui/format.ts';
import { ErrorNotice, Loading } from '../ui/notice.tsx';

export function DestructionsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const [status, setStatus] = useState('');
  const events = usePagedList<Destruction>(
    ['destructions', status],
    (cursor) => `/destructions${query({ status, cursor })}`,
  );
  return (
    <section>
      <div className="page-header">
        <h1>{t('destructions.title')}</h1>
        {me.role === 'stockpile_manager' && (
          <Link className="button primary" to="/destructions/new">
            {t('destructions.plan')}
          </Link>
        )}
      </div>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <SelectField
          label={t('destructions.status')}
          value={status}
          onChange={setStatus}
          placeholder={t('common.all')}
          options={DESTRUCTION_STATUSES.map((value) => ({ value, label: t(`destructionStatus.${value}`) }))}
        />
      </form>
      <ErrorNotice error={events.error} />
      {events.isPending ? (
        <Loading />
      ) : events.items.length === 0 ? (
        <p>{t('destructions.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('destructions.reference')}</th>
              <th>{t('destructions.plannedFor')}</th>
              <th>{t('destructions.method')}</th>
              <th>{t('destructions.location')}</th>
              <th>{t('destructions.items')}</th>
              <th>{t('destructions.status')}</th>
            </tr>
          </thead>
          <tbody>
            {events.items.map((event) => (
              <tr key={event.id}>
                <td>
                  <Link to={`/destructions/${event.id}`}>{event.reference}</Link>
                </td>
                <td>{format.date(event.plannedFor)}</td>
                <td>{t(`methods.${event.method}`)}</td>
                <td>{event.location}</td>
                <td className="number">{format.number(event.itemCount)}</td>
                <td>{t(`destructionStatus.${event.status}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore list={events} />
    </section>
  );
}
