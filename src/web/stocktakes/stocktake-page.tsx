import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { CountAnswer, StocktakeDetail, StocktakeLine } from '../../stocktakes/schemas.ts';
import { ITEM_REFERENCE } from '../../stocktakes/rules.ts';
import { STOCKTAKE_LIFECYCLE } from '../../stocktakes/transitions.ts';
import { mayTake } from '../../shared/lifecycle.ts';
import { ApiProblem, download, request } from '../api/client.ts';
import { LoadMore, usePagedList } from '../api/paged.tsx';
import { useMe } from '../session/session.tsx';
import { Badge } from '../ui/badges.tsx';
import { CheckboxField, TextField } from '../ui/form.tsx';
import { useFormat } from '../ui/format.ts';
import { ErrorNotice, Loading } from '../ui/notice.tsx';
import { problemMessage } from '../ui/problems.ts';
import { CameraScanner } from './camera-scanner.tsx';
import { CloseForm } from './close-form.tsx';
import { signal, type ScanTone } from './feedback.ts';

const detailKey = (id: string) => ['stockpile', 'stocktake', id] as const;

/**
 * One count of a store, made for a phone in the store room: scan (camera or keyboard-style scanner) or type, each
 * answered at once with a tone and the running tally; the items still to find; the close by a second person; the sheet.
 */
export function StocktakePage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const stocktake = useQuery({
    queryKey: detailKey(id),
    queryFn: () => request<StocktakeDetail>(`/stockpile/stocktakes/${id}`),
  });
  if (stocktake.isPending) return <Loading />;
  if (stocktake.error) return <ErrorNotice error={stocktake.error} />;
  const st = stocktake.data;
  const ours = st.agencyId === me.agency.id;
  const counts = ours && mayTake(STOCKTAKE_LIFECYCLE, 'count', st.status, me.role);
  const closes = ours && mayTake(STOCKTAKE_LIFECYCLE, 'close', st.status, me.role);
  return (
    <section className="stocktake">
      <div className="page-header">
        <h1>{t('stocktakes.countHeading', { reference: st.reference })}</h1>
        <div className="badges">
          <Badge tone={st.status === 'closed' ? 'neutral' : 'info'}>{t(`stocktakes.statuses.${st.status}`)}</Badge>
        </div>
      </div>
      <dl className="facts">
        <dt>{t('stocktakes.store')}</dt>
        <dd>
          {st.storageLocation} ({st.agency.code})
        </dd>
        <dt>{t('stocktakes.opened')}</dt>
        <dd>{t('stocktakes.openedBy', { name: st.openedByName, when: format.dateTime(st.openedAt) })}</dd>
        {st.closedByName && (
          <>
            <dt>{t('stocktakes.closed')}</dt>
            <dd>{t('stocktakes.closedBy', { name: st.closedByName, when: format.dateTime(st.closedAt) })}</dd>
          </>
        )}
        {st.note && (
          <>
            <dt>{t('stocktakes.note')}</dt>
            <dd>{st.note}</dd>
          </>
        )}
        {st.closingNote && (
          <>
            <dt>{t('stocktakes.closeNote')}</dt>
            <dd>{st.closingNote}</dd>
          </>
        )}
      </dl>
      <p className="tally" data-testid="tally">
        {t('stocktakes.tally', { counted: st.counted, expected: st.expected, unexpected: st.unexpectedCount })}
      </p>
      <div className="actions">
        <button
          type="button"
          onClick={() => void download(`/stockpile/stocktakes/${id}`, 'application/pdf', `${st.reference}.pdf`)}
        >
          {t('stocktakes.countSheet')}
        </button>
      </div>
      {counts && <CountPanel stocktake={st} />}
      {st.status === 'closed' ? (
        <>
          <Lines title={t('stocktakes.missingTitle')} lines={st.missing} testId="missing" />
          <Lines title={t('stocktakes.unexpectedTitle')} lines={st.unexpected} testId="unexpected" />
          {st.left.length > 0 && <Lines title={t('stocktakes.leftTitle')} lines={st.left} testId="left" />}
        </>
      ) : (
        <>
          <Pending id={id} />
          {st.unexpected.length > 0 && (
            <Lines title={t('stocktakes.unexpectedTitle')} lines={st.unexpected} testId="unexpected" />
          )}
        </>
      )}
      {closes && <CloseForm stocktake={st} />}
    </section>
  );
}

interface Answer {
  tone: ScanTone;
  text: string;
}

function CountPanel({ stocktake }: { stocktake: StocktakeDetail }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [code, setCode] = useState('');
  const [damaged, setDamaged] = useState(false);
  const [camera, setCamera] = useState(false);
  const [manufacturer, setManufacturer] = useState('');
  const [serial, setSerial] = useState('');
  const [answer, setAnswer] = useState<Answer | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const answerWith = (tone: ScanTone, text: string) => {
    signal(tone);
    setAnswer({ tone, text });
  };

  const send = async (named: Record<string, string>, shown: string) => {
    try {
      const counted = await request<CountAnswer>(`/stockpile/stocktakes/${stocktake.id}/counts`, {
        method: 'POST',
        body: { ...named, ...(damaged ? { condition: 'damaged' } : {}) },
      });
      const { line } = counted;
      const weapon = `${line.weapon.manufacturer} ${line.weapon.model} (${line.weapon.caliber})`;
      const reference = line.itemReference;
      if (counted.result === 'counted') answerWith('found', t('stocktakes.results.counted', { reference, weapon }));
      else if (counted.result === 'already_counted')
        answerWith('repeat', t('stocktakes.results.already_counted', { reference }));
      else
        answerWith(
          'problem',
          `${t('stocktakes.results.unexpected', { reference })}${line.explanation ? ` (${t(`stocktakes.explanations.${line.explanation}`)})` : ''}`,
        );
      client.setQueryData<StocktakeDetail>(detailKey(stocktake.id), (current) =>
        current
          ? {
              ...current,
              status: 'counting',
              counted: counted.tally.counted,
              unexpectedCount: counted.tally.unexpected,
              unexpected: counted.result === 'unexpected' ? [...current.unexpected, line] : current.unexpected,
            }
          : current,
      );
      if (counted.result === 'counted')
        void client.invalidateQueries({ queryKey: [...detailKey(stocktake.id), 'pending'] });
      setDamaged(false);
    } catch (error) {
      if (error instanceof ApiProblem && error.kind === 'not-ours')
        answerWith('problem', t('stocktakes.results.notOurs', { code: shown }));
      else answerWith('problem', problemMessage(t, error));
      if (error instanceof ApiProblem && error.kind === 'stocktake-closed')
        void client.invalidateQueries({ queryKey: detailKey(stocktake.id) });
    }
  };

  /** A code from the scanner, the keyboard or the camera: a label's reference, or plainly not one of ours. */
  const scanned = (raw: string) => {
    const value = raw.trim();
    if (!value) return;
    if (!ITEM_REFERENCE.test(value)) return answerWith('problem', t('stocktakes.results.notALabel', { code: value }));
    void send({ itemReference: value }, value);
  };

  const submitCode = (event: FormEvent) => {
    event.preventDefault();
    scanned(code);
    setCode('');
    input.current?.focus();
  };

  const submitSerial = (event: FormEvent) => {
    event.preventDefault();
    if (!manufacturer.trim() || !serial.trim()) return;
    void send({ manufacturer: manufacturer.trim(), serialNumber: serial.trim() }, `${manufacturer} ${serial}`);
    setSerial('');
  };

  return (
    <div className="panel count-panel">
      <h2>{t('stocktakes.scanTitle')}</h2>
      <p
        className={`scan-answer ${answer ? `scan-${answer.tone}` : ''}`}
        role="status"
        aria-live="assertive"
        data-testid="scan-answer"
        data-tone={answer?.tone ?? ''}
      >
        {answer?.text ?? ''}
      </p>
      <form onSubmit={submitCode} className="scan-form">
        <div className="field">
          <label htmlFor="scan-code">{t('stocktakes.scanLabel')}</label>
          <input
            id="scan-code"
            ref={input}
            value={code}
            onChange={(event) => setCode(event.target.value)}
            autoFocus
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            enterKeyHint="send"
            maxLength={200}
            aria-describedby="scan-hint"
          />
          <small id="scan-hint" className="hint">
            {t('stocktakes.scanHint')}
          </small>
        </div>
        <button type="submit" className="primary">
          {t('stocktakes.count')}
        </button>
      </form>
      <CheckboxField label={t('stocktakes.damaged')} checked={damaged} onChange={setDamaged} />
      <button type="button" onClick={() => setCamera((open) => !open)} aria-pressed={camera}>
        {camera ? t('stocktakes.stopCamera') : t('stocktakes.camera')}
      </button>
      {camera && <CameraScanner onCode={scanned} />}
      <details>
        <summary>{t('stocktakes.bySerial')}</summary>
        <form onSubmit={submitSerial}>
          <TextField
            label={t('stocktakes.manufacturer')}
            value={manufacturer}
            onChange={setManufacturer}
            maxLength={120}
          />
          <TextField label={t('stocktakes.serial')} value={serial} onChange={setSerial} maxLength={64} />
          <button type="submit">{t('stocktakes.count')}</button>
        </form>
      </details>
    </div>
  );
}

function Pending({ id }: { id: string }) {
  const { t } = useTranslation();
  const list = usePagedList<StocktakeLine>(
    [...detailKey(id), 'pending'],
    (cursor) => `/stockpile/stocktakes/${id}/lines?outcome=pending${cursor ? `&cursor=${cursor}` : ''}`,
  );
  if (list.isPending) return <Loading />;
  return (
    <>
      <ErrorNotice error={list.error} />
      {list.items.length === 0 ? (
        <>
          <h2>{t('stocktakes.pendingTitle')}</h2>
          <p>{t('stocktakes.allCounted')}</p>
        </>
      ) : (
        <Lines title={t('stocktakes.pendingTitle')} lines={list.items} testId="pending" />
      )}
      <LoadMore list={list} />
    </>
  );
}

function Lines({ title, lines, testId }: { title: string; lines: StocktakeLine[]; testId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <>
      <h2>
        {title} ({lines.length})
      </h2>
      {lines.length > 0 && (
        <table data-testid={testId}>
          <thead>
            <tr>
              <th>{t('custody.reference')}</th>
              <th>{t('traces.weapon')}</th>
              <th>{t('stocktakes.status')}</th>
              <th>{t('custody.when')}</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => (
              <tr key={line.itemId} data-reference={line.itemReference}>
                <td>
                  <Link to={`/stockpile/${line.itemId}`}>{line.itemReference}</Link>
                </td>
                <td>
                  {line.weapon.manufacturer} {line.weapon.model} ({line.weapon.caliber}) ·{' '}
                  {line.weapon.serialNumber ?? '—'}
                </td>
                <td>
                  {t(`stocktakes.outcomes.${line.outcome}`)}
                  {line.explanation && ` — ${t(`stocktakes.explanations.${line.explanation}`)}`}
                  {line.condition === 'damaged' && ` · ${t('stocktakes.damaged')}`}
                </td>
                <td>{line.countedAt ? `${format.dateTime(line.countedAt)} · ${line.countedBy?.name ?? ''}` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
