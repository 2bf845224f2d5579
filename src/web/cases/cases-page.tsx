import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { OFFENSES, type Case } from '../../cases/schemas.ts';
import { ApiProblem, newIdempotencyKey, query, request } from '../api/client.ts';
import { LoadMore, usePagedList } from '../api/paged.tsx';
import { useMe } from '../session/session.tsx';
import { SelectField, TextField } from '../ui/form.tsx';
import { todayIso, useFormat } from '../ui/format.ts';
import { ErrorNotice, Loading } from '../ui/notice.tsx';
import { fieldErrorsByPath } from '../ui/problems.ts';
import { ErrorSummary } from '../ui/error-summary.tsx';

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
        <TextField
          label={t('cases.search')}
          type="search"
          value={search}
          onChange={setSearch}
          hint={t('cases.searchHint')}
        />
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
  const [caseNumber, setCaseNumber] = useState('');
  const [title, setTitle] = useState('');
  const [offense, setOffense] = useState('');
  const [openedAt, setOpenedAt] = useState(todayIso());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const missing: Record<string, string> = {};
    if (!caseNumber.trim()) missing['/caseNumber'] = t('fieldErrors.required');
    if (!title.trim()) missing['/title'] = t('fieldErrors.required');
    if (!offense) missing['/offense'] = t('fieldErrors.required');
    setErrors(missing);
    if (Object.keys(missing).length) return;
    setBusy(true);
    setFailure(null);
    try {
      const created = await request<Case>('/cases', {
        method: 'POST',
        idempotencyKey: key.current,
        body: { caseNumber: caseNumber.trim(), title: title.trim(), offense, ...(openedAt ? { openedAt } : {}) },
      });
      await queryClient.invalidateQueries({ queryKey: ['cases'] });
      navigate(`/cases/${created.id}`);
    } catch (error) {
      if (error instanceof ApiProblem && error.kind === 'case-number-taken')
        setErrors({ '/caseNumber': t('conflicts.case-number-taken') });
      else if (error instanceof ApiProblem && error.status === 400) setErrors(fieldErrorsByPath(t, error.errors));
      else setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel" onSubmit={submit} noValidate aria-labelledby="new-case-title">
      <ErrorSummary />
      <h2 id="new-case-title">{t('cases.new')}</h2>
      <div className="grid">
        <TextField
          label={t('cases.caseNumber')}
          name="caseNumber"
          value={caseNumber}
          onChange={setCaseNumber}
          required
          maxLength={64}
          error={errors['/caseNumber']}
        />
        <TextField
          label={t('cases.caseTitle')}
          name="title"
          value={title}
          onChange={setTitle}
          required
          maxLength={300}
          error={errors['/title']}
        />
        <SelectField
          label={t('cases.offense')}
          name="offense"
          value={offense}
          onChange={setOffense}
          required
          placeholder={t('common.choose')}
          options={OFFENSES.map((value) => ({ value, label: t(`offenses.${value}`) }))}
          error={errors['/offense']}
        />
        <TextField
          label={t('cases.openedAt')}
          name="openedAt"
          type="date"
          value={openedAt}
          onChange={setOpenedAt}
          error={errors['/openedAt']}
        />
      </div>
      <ErrorNotice error={failure} />
      <div className="actions">
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {t('cases.create')}
        </button>
      </div>
    </form>
  );
}
