import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { reportRuleErrors } from '../../registry/rules.ts';
import { LOSS_KINDS, LOSS_SOURCES, StolenReportCreate, type StolenReport } from '../../registry/schemas.ts';
import { newIdempotencyKey, request } from '../api/client.ts';
import { FormFooter, SelectField, TextAreaField, TextField } from '../ui/form.tsx';
import { clock } from '../ui/format.ts';
import { fieldMessage } from '../ui/problems.ts';
import { schemaErrors } from '../ui/schema-errors.ts';
import { fieldBinder, useFormSubmit } from '../ui/use-form-submit.ts';
import { EMPTY_WEAPON, WeaponFields, weaponBody } from '../weapons/weapon-fields.tsx';
import { ErrorSummary } from '../ui/error-summary.tsx';
import { DateField } from '../ui/date-field.tsx';

/** Reporting a gun lost or stolen: the gun as described, when and how it went missing. */
export function ReportForm({ onDone }: { onDone: (report?: StolenReport) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const key = useRef(newIdempotencyKey());
  const [weapon, setWeapon] = useState(EMPTY_WEAPON);
  const [report, setReport] = useState({
    kind: '',
    lostOn: '',
    sourceType: '',
    circumstances: '',
    country: '',
    department: '',
    policeReportNumber: '',
  });

  const body = useMemo(() => {
    const country = report.country.trim().toUpperCase();
    return {
      weapon: weaponBody(weapon),
      kind: report.kind,
      lostOn: report.lostOn,
      sourceType: report.sourceType,
      circumstances: report.circumstances.trim(),
      ...(country
        ? { location: { country, ...(report.department.trim() ? { department: report.department.trim() } : {}) } }
        : {}),
      ...(report.policeReportNumber.trim() ? { policeReportNumber: report.policeReportNumber.trim() } : {}),
    };
  }, [weapon, report]);
  const errors = useMemo(() => {
    const found = schemaErrors(t, StolenReportCreate, body);
    for (const rule of reportRuleErrors(body as unknown as StolenReportCreate, clock))
      found[rule.path] ??= fieldMessage(t, rule.message);
    return found;
  }, [t, body]);
  const { submit, errorAt, failure, busy } = useFormSubmit(errors, async () => {
    const filed = await request<StolenReport>('/stolen-reports', { method: 'POST', idempotencyKey: key.current, body });
    await queryClient.invalidateQueries({ queryKey: ['stolen-reports'] });
    onDone(filed);
  });
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
      <FormFooter failure={failure} busy={busy} submitLabel={t('registry.submit')} onCancel={() => onDone()} />
    </form>
  );
}
