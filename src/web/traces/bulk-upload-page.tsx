import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { BULK_CSV_COLUMNS, CIRCUMSTANCES } from '../../traces/schemas.ts';
import { WEAPON_TYPES } from '../../weapons/schemas.ts';
import { csvLine, csvSeparator } from '../../shared/csv.ts';
import { ApiProblem, newIdempotencyKey, request, saveFile } from '../api/client.ts';
import { Field } from '../ui/form.tsx';
import { useFormat } from '../ui/format.ts';
import { ErrorNotice, Notice } from '../ui/notice.tsx';
import { fieldMessage } from '../ui/problems.ts';

interface BulkResult {
  created: number;
  failed: number;
  results: { index: number; traceId?: string; reference?: string; errors?: { path: string; message: string }[] }[];
}

export function BulkUploadPage() {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<BulkResult | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const key = useRef(newIdempotencyKey());

  const upload = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setFailure(null);
    setResult(null);
    try {
      const text = await file.text();
      setResult(
        await request<BulkResult>('/traces/bulk', {
          method: 'POST',
          rawBody: { text, contentType: 'text/csv' },
          idempotencyKey: key.current,
        }),
      );
      key.current = newIdempotencyKey();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  const fileErrors = failure instanceof ApiProblem && failure.status === 400 ? failure.errors : [];

  return (
    <section>
      <h1>{t('bulk.title')}</h1>
      <p>{t('bulk.lead')}</p>
      <details>
        <summary>{t('bulk.columns')}</summary>
        <p>
          <code>{BULK_CSV_COLUMNS.join(', ')}</code>
        </p>
        <p>{t('bulk.caseColumns')}</p>
        <p>{t('bulk.booleans')}</p>
        <p>{t('bulk.codesLead')}</p>
        <div className="columns">
          {(
            [
              ['weapon.type', WEAPON_TYPES, 'weaponTypes'],
              ['recovery.circumstance', CIRCUMSTANCES, 'circumstances'],
            ] as const
          ).map(([column, codes, key]) => (
            <table key={column} data-testid={`codes-${column}`}>
              <caption>
                <code>{column}</code>
              </caption>
              <thead>
                <tr>
                  <th>{t('bulk.code')}</th>
                  <th>{t('bulk.meaning')}</th>
                </tr>
              </thead>
              <tbody>
                {codes.map((code) => (
                  <tr key={code}>
                    <td>
                      <code>{code}</code>
                    </td>
                    <td>{t(`${key}.${code}` as 'weaponTypes.pistol')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
        </div>
        <button
          type="button"
          onClick={() =>
            // For a spreadsheet, as every CSV the app writes: byte-order mark, `;` in Spanish, CRLF (the upload reads both).
            saveFile(
              new Blob([`\uFEFF${csvLine([...BULK_CSV_COLUMNS], csvSeparator(i18n.language))}\r\n`], {
                type: 'text/csv;charset=utf-8',
              }),
              'rastreo-traces.csv',
            )
          }
        >
          {t('bulk.template')}
        </button>
      </details>
      <form className="panel" onSubmit={upload}>
        <Field label={t('bulk.file')} hint={t('bulk.fileHint')}>
          {(control) => (
            <input
              {...control}
              type="file"
              name="file"
              accept=".csv,text/csv"
              onChange={(event) => setFile(event.target.files?.[0] ?? null)}
            />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="primary" disabled={!file || busy}>
            {busy ? t('bulk.uploading') : t('bulk.upload')}
          </button>
        </div>
      </form>
      <ErrorNotice error={failure} />
      {fileErrors.length > 0 && (
        <ul>
          {fileErrors.map((error, index) => (
            <li key={index}>{fieldMessage(t, error.message)}</li>
          ))}
        </ul>
      )}
      {result && (
        <>
          <Notice tone={result.failed ? 'warning' : 'success'}>
            {t('bulk.summary', { created: format.number(result.created), failed: format.number(result.failed) })}
          </Notice>
          <table data-testid="bulk-results">
            <thead>
              <tr>
                <th>{t('bulk.row')}</th>
                <th>{t('bulk.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {result.results.map((row) => (
                <tr key={row.index} className={row.errors ? 'row-failed' : undefined}>
                  <td>{format.number(row.index + 1)}</td>
                  <td>
                    {row.traceId ? (
                      <Link to={`/traces/${row.traceId}`}>{row.reference}</Link>
                    ) : (
                      <ul className="plain">
                        {(row.errors ?? []).map((error, index) => (
                          <li key={index}>
                            {error.path && (
                              <>
                                {t('bulk.column')} <code>{error.path.slice(1).replaceAll('/', '.')}</code>:{' '}
                              </>
                            )}
                            {fieldMessage(t, error.message)}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
