import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { reportRuleErrors } from '../../registry/rules.ts';
import { LOSS_KINDS, LOSS_SOURCES, StolenReportCreate, type StolenReport } from '../../registry/schemas.ts';
import { newIdempotencyKey, request } from '../api/client.ts';
import { DRAFT_KINDS, type OpenedDraft } from '../drafts/draft-kinds.ts';
import { sendOrKeep } from '../drafts/sender.ts';
import { draftsAvailable } from '../drafts/vault.ts';
import { useMe } from '../session/session.tsx';
import { useOnline } from '../ui/connection.tsx';
import { DateField } from '../ui/date-field.tsx';
import { ErrorSummary } from '../ui/error-summary.tsx';
import { FormFooter, SelectField, TextAreaField, TextField } from '../ui/form.tsx';
import { clock } from '../ui/format.ts';
import { fieldMessage } from '../ui/problems.ts';
import { schemaErrors } from '../ui/schema-errors.ts';
import { fieldBinder, useFormSubmit } from '../ui/use-form-submit.ts';
import { EMPTY_WEAPON, WeaponFields } from '../weapons/weapon-fields.tsx';
import { EMPTY_REPORT, reportBodyOf } from './report-form-model.ts';

type ReportDraft = Extract<OpenedDraft, { kind: 'stolen-report' }>;

/**
 * Reporting a gun lost or stolen: the gun as described, when and how it went missing. Without a connection the report
 * waits on the device as a draft (`draft` reopens one, with the server's refusal if it had one).
 */
export function ReportForm({ onDone, draft }: { onDone: (report?: StolenReport) => void; draft?: ReportDraft }) {
  const { t } = useTranslation();
  const me = useMe();
  const online = useOnline();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // A draft keeps the key it was given when made: sent from here or from the drafts page, it makes one report.
  const key = useRef(draft?.id ?? newIdempotencyKey());
  const [weapon, setWeapon] = useState(draft?.content.weapon ?? EMPTY_WEAPON);
  const [report, setReport] = useState(draft?.content.report ?? EMPTY_REPORT);

  const body = useMemo(() => reportBodyOf({ weapon, report }), [weapon, report]);
  const errors = useMemo(() => {
    const found = schemaErrors(t, StolenReportCreate, body);
    for (const rule of reportRuleErrors(body as unknown as StolenReportCreate, clock))
      found[rule.path] ??= fieldMessage(t, rule.message);
    return found;
  }, [t, body]);
  const { submit, errorAt, failure, busy } = useFormSubmit(
    errors,
    async () => {
      const content = { weapon, report };
      const outcome = await sendOrKeep(
        { id: key.current, userId: me.id, kind: 'stolen-report', createdAt: draft?.createdAt ?? Date.now(), content },
        Boolean(draft),
        () =>
          request<StolenReport>(DRAFT_KINDS['stolen-report'].path, {
            method: 'POST',
            idempotencyKey: key.current,
            body: DRAFT_KINDS['stolen-report'].body(content),
          }),
      );
      if ('kept' in outcome) return navigate('/drafts', { state: { saved: true } });
      await queryClient.invalidateQueries({ queryKey: ['stolen-reports'] });
      onDone(outcome.sent);
    },
    {},
    draft,
  );
  const field = fieldBinder(report, setReport, errorAt, {
    country: '/location/country',
    department: '/location/department',
  });

  return (
    <form className="panel" onSubmit={submit} noValidate aria-labelledby="report-title">
      <ErrorSummary />
      <h2 id="report-title">{t('registry.new')}</h2>
      <fieldset>
        <legend>{t('registry.weapon')}</legend>
        <WeaponFields value={weapon} onChange={setWeapon} errorAt={errorAt} />
      </fieldset>
      <div className="grid">
        <SelectField
          label={t('registry.kind')}
          {...field('kind')}
          required
          placeholder={t('common.choose')}
          options={LOSS_KINDS.map((value) => ({ value, label: t(`lossKinds.${value}`) }))}
        />
        <DateField label={t('registry.lostOn')} {...field('lostOn')} required />
        <SelectField
          label={t('registry.sourceType')}
          {...field('sourceType')}
          required
          placeholder={t('common.choose')}
          options={LOSS_SOURCES.map((value) => ({ value, label: t(`lossSources.${value}`) }))}
        />
        <TextField
          label={t('registry.country')}
          {...field('country')}
          maxLength={2}
          hint={t('traceForm.countryHint')}
        />
        <TextField label={t('registry.department')} {...field('department')} maxLength={120} />
        <TextField label={t('registry.policeReportNumber')} {...field('policeReportNumber')} maxLength={100} />
      </div>
      <TextAreaField label={t('registry.circumstances')} {...field('circumstances')} required />
      <FormFooter
        failure={failure}
        busy={busy}
        submitLabel={online || !draftsAvailable() ? t('registry.submit') : t('drafts.saveOnDevice')}
        onCancel={() => onDone()}
      />
    </form>
  );
}
