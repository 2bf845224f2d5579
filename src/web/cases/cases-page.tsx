import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SearchField } from '../ui/filters.tsx';
import { Link, useNavigate } from 'react-router';
import { CaseCreate, OFFENSES, type Case } from '../../cases/schemas.ts';
import { newIdempotencyKey, query, request } from '../api/client.ts';
import { LoadMore, usePagedList } from '../api/paged.tsx';
import { useMe } from '../session/session.tsx';
import { FormFooter, SelectField, TextField } from '../ui/form.tsx';
import { todayIso, useFormat } from '../ui/format.ts';
import { ErrorNotice, Loading } from '../ui/notice.tsx';
import { schemaErrors } from '../ui/schema-errors.ts';
import { fieldBinder, useFormSubmit } from '../ui/use-form-submit.ts';
import { ErrorSummary } from '../ui/error-summary.tsx';
import { DateField } from '../ui/date-field.tsx';

export function CasesPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('open');
  const [creating, setCreating] = useState(false);
  const cases = usePagedList<Case>(
    ['cases', search, status],
    (cursor) => `/cases${query({ q: search.trim(), status, cursor })}`,
  );

  return (
    <section>
      <div className="page-header">
        <h1>{t('cases.title')}</h1>
        {me.role === 'investigator' && !creating && (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            {t('cases.new')}
          </button>
        )}
      </div>
      {creating && <NewCaseForm onCancel={() => setCreating(false)} />}
      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <SearchField label={t('cases.search')} hint={t('cases.searchHint')} value={search} onChange={setSearch} />
        <SelectField
          label={t('cases.status')}
          value={status}
          onChange={setStatus}
          placeholder={t('common.all')}
          options={[
            { value: 'open', label: t('caseStatus.open') },
            { value: 'closed', label: t('caseStatus.closed') },
          ]}
        />
      </form>
      <ErrorNotice error={cases.error} />
      {cases.isPending ? (
        <Loading />
      ) : cases.items.length === 0 ? (
        <p>{t('cases.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('cases.caseNumber')}</th>
              <th>{t('cases.caseTitle')}</th>
              <th>{t('cases.offense')}</th>
              <th>{t('cases.status')}</th>
              <th>{t('cases.openedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {cases.items.map((item) => (
              <tr key={item.id}>
                <td>
                  <Link to={`/cases/${item.id}`}>{item.caseNumber}</Link>
                </td>
                <td>{item.title}</td>
                <td>{t(`offenses.${item.offense}`)}</td>
                <td>{t(`caseStatus.${item.status}`)}</td>
                <td>{format.date(item.openedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore list={cases} />
    </section>
  );
}

function NewCaseForm({ onCancel }: { onCancel: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const key = useRef(newIdempotencyKey());
  const [values, setValues] = useState({ caseNumber: '', title: '', offense: '', openedAt: todayIso() });
  const body = {
    caseNumber: values.caseNumber.trim(),
    title: values.title.trim(),
    offense: values.offense,
    ...(values.openedAt ? { openedAt: values.openedAt } : {}),
  };
  const errors = schemaErrors(t, CaseCreate, body);
  const { submit, errorAt, failure, busy } = useFormSubmit(
    errors,
    async () => {
      const created = await request<Case>('/cases', { method: 'POST', idempotencyKey: key.current, body });
      await queryClient.invalidateQueries({ queryKey: ['cases'] });
      navigate(`/cases/${created.id}`);
    },
    { 'case-number-taken': '/caseNumber' },
  );
  const field = fieldBinder(values, setValues, errorAt);

  return (
    <form className="panel" onSubmit={submit} noValidate aria-labelledby="new-case-title">
      <ErrorSummary />
      <h2 id="new-case-title">{t('cases.new')}</h2>
      <div className="grid">
        <TextField label={t('cases.caseNumber')} {...field('caseNumber')} required maxLength={64} />
        <TextField label={t('cases.caseTitle')} {...field('title')} required maxLength={300} />
        <SelectField
          label={t('cases.offense')}
          {...field('offense')}
          required
          placeholder={t('common.choose')}
          options={OFFENSES.map((value) => ({ value, label: t(`offenses.${value}`) }))}
        />
        <DateField label={t('cases.openedAt')} {...field('openedAt')} />
      </div>
      <FormFooter failure={failure} busy={busy} submitLabel={t('cases.create')} onCancel={onCancel} />
    </form>
  );
}
