import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { TRACE_STATUSES, type Trace } from '../../traces/schemas.ts';
import { query } from '../api/client.ts';
import { LoadMore, usePagedList } from '../api/paged.tsx';
import { useMe } from '../session/session.tsx';
import { SelectField } from '../ui/form.tsx';
import { OnlyOfCase, SearchField, YesNoFilter } from '../ui/filters.tsx';
import { ErrorNotice, Loading } from '../ui/notice.tsx';
import { weaponLabel } from '../weapons/weapon-label.ts';
import { TraceTable } from './trace-table.tsx';

export function TracesPage() {
  const { t } = useTranslation();
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
        <SearchField label={t('traces.search')} hint={t('traces.searchHint')} value={search} onChange={setSearch} />
        <SelectField
          label={t('traces.status')}
          value={status}
          onChange={setStatus}
          placeholder={t('common.all')}
          options={TRACE_STATUSES.map((value) => ({ value, label: t(`traceStatus.${value}`) }))}
        />
        <YesNoFilter label={t('traces.urgent')} value={urgent} onChange={setUrgent} />
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
      {caseId && <OnlyOfCase onShowAll={() => setParams({})} />}
      <ErrorNotice error={traces.error} />
      {traces.isPending ? (
        <Loading />
      ) : traces.items.length === 0 ? (
        <p>{t('traces.none')}</p>
      ) : (
        <TraceTable
          testId="traces"
          caption={t(sort === 'createdAt' ? 'traces.sortedOldest' : 'traces.sortedNewest')}
          rows={traces.items.map((trace) => ({
            ...trace,
            outcome: trace.result?.outcome,
            weapon: { id: trace.weaponId, label: weaponLabel(t, trace.weapon) },
            recoveryDate: trace.recovery.date,
            openAlerts: trace.openAlerts,
          }))}
        />
      )}
      <LoadMore list={traces} />
    </section>
  );
}
