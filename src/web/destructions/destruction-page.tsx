import { OpenAlertsFlag } from '../alerts/open-alerts.tsx';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DateField, parseTypedTime } from '../ui/date-field.tsx';
import { AttachmentsPanel } from '../attachments/attachments-panel.tsx';
import { Link, useParams } from 'react-router';
import { completionRuleErrors } from '../../destructions/rules.ts';
import { DESTRUCTION_LIFECYCLE } from '../../destructions/transitions.ts';
import { mayTake } from '../../shared/lifecycle.ts';
import { DestructionComplete, type DestructionDetail } from '../../destructions/schemas.ts';
import { download, request } from '../api/client.ts';
import { useMe } from '../session/session.tsx';
import { Badge } from '../ui/badges.tsx';
import { ConfirmDialog, type ConfirmRequest } from '../ui/confirm-dialog.tsx';
import { FormFooter, TextAreaField, TextField } from '../ui/form.tsx';
import { clock, useFormat } from '../ui/format.ts';
import { ErrorNotice, Loading, Notice } from '../ui/notice.tsx';
import { fieldMessage } from '../ui/problems.ts';
import { schemaErrors } from '../ui/schema-errors.ts';
import { fieldBinder, useFormSubmit } from '../ui/use-form-submit.ts';
import { weaponLabel } from '../weapons/weapon-label.ts';
import { ErrorSummary } from '../ui/error-summary.tsx';

export function DestructionPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const personLabel = (person: { name: string; role: string }) =>
    `${person.name} (${t(`roles.${person.role as 'advisor'}`)})`;
  const format = useFormat();
  const me = useMe();
  const queryClient = useQueryClient();
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const detail = useQuery({
    queryKey: ['destruction', id],
    queryFn: () => request<DestructionDetail>(`/destructions/${id}`),
  });
  if (detail.isPending) return <Loading />;
  if (detail.error) return <ErrorNotice error={detail.error} />;
  const event = detail.data;
  const refresh = () => queryClient.invalidateQueries();
  const may = (action: keyof typeof DESTRUCTION_LIFECYCLE.steps) =>
    mayTake(DESTRUCTION_LIFECYCLE, action, event.status, me.role);
  const canVerify = may('verify');

  const removeItem = (itemId: string, reference: string) =>
    setConfirm({
      title: t('destructions.removeTitle', { reference }),
      body: t('destructions.removeBody'),
      confirmLabel: t('destructions.remove'),
      onConfirm: async () => {
        await request(`/destructions/${id}/items/${itemId}`, { method: 'DELETE' });
        await refresh();
      },
    });
  const verify = () =>
    setConfirm({
      title: t('destructions.verifyTitle', { reference: event.reference }),
      body: t('destructions.verifyBody'),
      confirmLabel: t('destructions.verify'),
      onConfirm: async () => {
        await request(`/destructions/${id}/verify`, { method: 'POST', body: {} });
        await refresh();
      },
    });
  const certificate = async () => {
    setDownloadError(null);
    try {
      await download(`/destructions/${id}/certificate`, 'application/pdf', `${event.reference}.pdf`);
    } catch (error) {
      setDownloadError(error);
    }
  };

  return (
    <section>
      <div className="page-header">
        <h1>{t('destructions.heading', { reference: event.reference })}</h1>
        <div className="badges" data-testid="destruction-status">
          <Badge tone={event.status === 'verified' ? 'success' : 'info'}>
            {t(`destructionStatus.${event.status}`)}
          </Badge>
        </div>
      </div>
      <div className="actions">
        {event.status !== 'planned' && (
          <button type="button" onClick={() => void certificate()}>
            {t('destructions.certificate')}
          </button>
        )}
        {canVerify && event.completedBy !== me.id && (
          <button type="button" className="primary" onClick={verify}>
            {t('destructions.verify')}
          </button>
        )}
      </div>
      <ErrorNotice error={downloadError} />
      {canVerify && event.completedBy === me.id && <Notice tone="warning">{t('destructions.otherMustVerify')}</Notice>}
      <dl className="facts">
        <dt>{t('destructions.plannedFor')}</dt>
        <dd>{format.date(event.plannedFor)}</dd>
        <dt>{t('destructions.method')}</dt>
        <dd>{t(`methods.${event.method}`)}</dd>
        <dt>{t('destructions.location')}</dt>
        <dd>{event.location}</dd>
        <dt>{t('destructions.items')}</dt>
        <dd>{format.number(event.itemCount)}</dd>
        {event.performedAt && (
          <>
            <dt>{t('destructions.performedAt')}</dt>
            <dd>{format.dateTime(event.performedAt)}</dd>
          </>
        )}
        {event.witnesses && (
          <>
            <dt>{t('destructions.witnesses')}</dt>
            <dd>{event.witnesses.map((w) => `${w.name} (${w.organization})`).join('; ')}</dd>
          </>
        )}
        {event.certificateNumber && (
          <>
            <dt>{t('destructions.certificateNumber')}</dt>
            <dd>{event.certificateNumber}</dd>
          </>
        )}
        {event.completedByUser && (
          <>
            <dt>{t('destructions.completedBy')}</dt>
            <dd data-testid="completed-by">{personLabel(event.completedByUser)}</dd>
          </>
        )}
        {event.verifiedAt && (
          <>
            <dt>{t('destructions.verifiedAt')}</dt>
            <dd>{format.dateTime(event.verifiedAt)}</dd>
          </>
        )}
        {event.verifiedByUser && (
          <>
            <dt>{t('destructions.verifiedBy')}</dt>
            <dd data-testid="verified-by">{personLabel(event.verifiedByUser)}</dd>
          </>
        )}
      </dl>
      {may('complete') && <CompleteForm id={id} itemCount={event.itemCount} onDone={refresh} />}
      {event.status !== 'verified' && <p className="muted">{t('attachments.destructionHint')}</p>}
      <AttachmentsPanel
        record="destruction"
        id={id}
        kinds={event.status === 'verified' ? [] : ['before_destruction', 'after_destruction', 'document']}
        title={t('attachments.destructionTitle')}
        closed={event.status === 'verified'}
      />
      <h2>{t('destructions.items')}</h2>
      <table data-testid="destruction-items">
        <thead>
          <tr>
            <th>{t('custody.reference')}</th>
            <th>{t('traces.weapon')}</th>
            <th>{t('custody.status')}</th>
            <th>{t('cases.traces')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {event.items.map((item) => (
            <tr key={item.itemId} className={item.openAlerts.length ? 'alert-critical' : undefined}>
              <td>
                {item.reference}
                <OpenAlertsFlag alerts={item.openAlerts} weaponId={item.weapon.id} />
              </td>
              <td>
                <Link to={`/weapons/${item.weapon.id}`}>{weaponLabel(t, item.weapon)}</Link>
              </td>
              <td>{t(`itemStatus.${item.status as 'in_custody'}`)}</td>
              <td>
                {item.traces.map((trace) => (
                  <Link key={trace.id} to={`/traces/${trace.id}`}>
                    {trace.reference}
                  </Link>
                ))}
              </td>
              <td>
                {may('remove_item') && (
                  <button type="button" className="small" onClick={() => removeItem(item.itemId, item.reference)}>
                    {t('destructions.remove')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
    </section>
  );
}

/** Completion: when and how it was done, and at least two witnesses who sign the certificate. */
function CompleteForm({ id, itemCount, onDone }: { id: string; itemCount: number; onDone: () => Promise<unknown> }) {
  const { t } = useTranslation();
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  // The day and the time, each typed in the page's language whatever the browser's locale (its datetime field follows
  // the browser: mm/dd/yyyy and a.m./p.m. on a Spanish page in an English browser).
  const [values, setValues] = useState({ performedOn: '', performedTime: '', certificateNumber: '', notes: '' });
  const [witnesses, setWitnesses] = useState([
    { name: '', organization: '' },
    { name: '', organization: '' },
  ]);
  const { performedOn, performedTime, certificateNumber, notes } = values;
  const time = parseTypedTime(performedTime);
  const performedIso =
    /^\d{4}-\d{2}-\d{2}$/.test(performedOn) && time ? new Date(`${performedOn}T${time}`).toISOString() : '';
  const body = {
    performedAt: performedIso,
    witnesses: witnesses.map((w) => ({ name: w.name.trim(), organization: w.organization.trim() })),
    ...(certificateNumber.trim() ? { certificateNumber: certificateNumber.trim() } : {}),
    ...(notes.trim() ? { notes: notes.trim() } : {}),
  };
  const errors = schemaErrors(t, DestructionComplete, body);
  // The time's own error at the time; the date's (or the instant's, e.g. in the future) at the date.
  if (!time) {
    errors['/performedTime'] = t(performedTime.trim() ? 'fieldErrors.time' : 'fieldErrors.required');
    if (/^\d{4}-\d{2}-\d{2}$/.test(performedOn)) delete errors['/performedAt'];
  }
  if (performedIso)
    for (const rule of completionRuleErrors(body, clock)) errors[rule.path] ??= fieldMessage(t, rule.message);
  const setWitness = (index: number, field: 'name' | 'organization', value: string) =>
    setWitnesses((current) => current.map((w, i) => (i === index ? { ...w, [field]: value } : w)));

  // Recording a destruction cannot be undone: the valid form asks once more, saying what it will do.
  const { submit, errorAt, failure, busy } = useFormSubmit(errors, async () =>
    setConfirm({
      title: t('destructions.completeTitle'),
      body: t('destructions.completeBody', { count: itemCount }),
      confirmLabel: t('destructions.completeSubmit'),
      danger: true,
      onConfirm: async () => {
        await request(`/destructions/${id}/complete`, { method: 'POST', body });
        await onDone();
      },
    }),
  );

  const field = fieldBinder(values, setValues, errorAt, { performedOn: '/performedAt' });

  return (
    <>
      <form className="panel" onSubmit={submit} noValidate aria-labelledby="complete-title">
        <ErrorSummary />
        <h2 id="complete-title">{t('destructions.complete')}</h2>
        <div className="grid">
          <DateField label={t('destructions.performedAt')} {...field('performedOn')} required />
          <TextField
            label={t('destructions.performedTime')}
            {...field('performedTime')}
            hint={t('forms.timePattern')}
            maxLength={5}
            required
          />
        </div>
        <fieldset>
          <legend>{t('destructions.witnesses')}</legend>
          <p className="hint">{t('destructions.witnessesHint')}</p>
          {errorAt('/witnesses') && (
            <p className="error" role="alert">
              {errorAt('/witnesses')}
            </p>
          )}
          {witnesses.map((witness, index) => (
            <div className="grid witness" key={index}>
              {(['name', 'organization'] as const).map((part) => (
                <TextField
                  key={part}
                  label={t(part === 'name' ? 'destructions.witnessName' : 'destructions.witnessOrganization', {
                    n: index + 1,
                  })}
                  value={witness[part]}
                  onChange={(value) => setWitness(index, part, value)}
                  required
                  error={errorAt(`/witnesses/${index}/${part}`)}
                />
              ))}
              {witnesses.length > 2 && (
                <button
                  type="button"
                  className="small"
                  onClick={() => setWitnesses((current) => current.filter((_, i) => i !== index))}
                >
                  {t('destructions.removeWitness', { n: index + 1 })}
                </button>
              )}
            </div>
          ))}
          <button type="button" onClick={() => setWitnesses((current) => [...current, { name: '', organization: '' }])}>
            {t('destructions.addWitness')}
          </button>
        </fieldset>
        <TextField label={t('destructions.certificateNumber')} {...field('certificateNumber')} />
        <TextAreaField label={t('destructions.notes')} {...field('notes')} />
        <FormFooter failure={failure} busy={busy} submitLabel={t('destructions.completeSubmit')} />
      </form>
      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
    </>
  );
}
