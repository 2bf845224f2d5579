import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { TRACE_STATUSES, type Trace } from '../../traces/schemas.ts';
import { query } from '../api/client.ts';
import { LoadMore, usePagedList } from '../api/paged.tsx';
import { useMe } from '../session/session.tsx';
import { TraceStatusBadge, UrgentBadge } from '../ui/badges.tsx';
import { SelectField, TextField } from '../ui/form.tsx';
import { useFormat } from '../ui/format.ts';
import { ErrorNotice, Loading } from '../ui/notice.tsx';
import { weaponLabel } from '../weapons/weapon-label.ts';
import { OutcomeText } from './outcome-text.tsx';

export function TracesPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('');
  const [urgent, setUrgent] = useState('');
  const [sort, setSort] = useState<'-createdAt' | 'createdAt'>('-createdAt');
  const [params, setParams] = useSearchParams();
  const caseId = params.get('caseId') ?? '';
  const traces = usePagedList<Trace>(
    ['traces', search, status, urgent, caseId, sort],
    (cursor) => `/traces${query({ q: search.trim(), status, urgent, caseId, sort, cursor })}`,
  );

  return (
    <section>
      <div className="page-header">
        <h1>{t('traces.title')}</h1>
        {me.role === 'investigator' && (
          <Link className="button primary" to="/traces/new">
            {t('traces.new')}
          </Link>
        )}
      </div>
      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <TextField
          label={t('traces.search')}
          type="search"
          value={search}
          onChange={setSearch}
          hint={t('traces.searchHint')}
        />
        <SelectField
          label={t('traces.status')}
          value={status}
          onChange={setStatus}
          placeholder={t('common.all')}
          options={TRACE_STATUSES.map((value) => ({ value, label: t(`traceStatus.${value}`) }))}
        />
        <SelectField
          label={t('traces.urgent')}
          value={urgent}
          onChange={setUrgent}
          placeholder={t('common.all')}
          options={[
            { value: 'true', label: t('common.yes') },
            { value: 'false', label: t('common.no') },
          ]}
        />
        <SelectField
          label={t('traces.sort')}
          value={sort}
          onChange={(value) => setSort(value as typeof sort)}
          options={[
            { value: '-createdAt', label: t('traces.newestFirst') },
            { value: 'createdAt', label: t('traces.oldestFirst') },
          ]}
        />
      </form>
      {caseId && (
        <p>
          {t('cases.onlyOfCase')}{' '}
          <button type="button" className="link" onClick={() => setParams({})}>
            {t('cases.showAll')}
          </button>
        </p>
      )}
      <ErrorNotice error={traces.error} />
      {traces.isPending ? (
        <Loading />
      ) : traces.items.length === 0 ? (
        <p>{t('traces.none')}</p>
      ) : (
        <table data-testid="traces">
          <caption className="hint">{t(sort === 'createdAt' ? 'traces.sortedOldest' : 'traces.sortedNewest')}</caption>
          <thead>
            <tr>
              <th>{t('traces.reference')}</th>
              <th>{t('traces.weapon')}</th>
              <th>{t('traces.status')}</th>
              <th>{t('traces.outcome')}</th>
              <th>{t('traces.recoveryDate')}</th>
            </tr>
          </thead>
          <tbody>
            {traces.items.map((trace) => (
              <tr key={trace.id}>
                <td>
                  <Link to={`/traces/${trace.id}`}>{trace.reference}</Link>
                </td>
                <td>
                  <Link to={`/weapons/${trace.weaponId}`}>{weaponLabel(t, trace.weapon)}</Link>
                </td>
                <td>
                  <TraceStatusBadge status={trace.status} /> {trace.urgent && <UrgentBadge />}
                </td>
                <td>
                  <OutcomeText outcome={trace.result?.outcome} />
                </td>
                <td>{format.date(trace.recovery.date)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore list={traces} />
    </section>
  );
}
