import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { reportRuleErrors } from '../../registry/rules.ts';
import { LOSS_KINDS, LOSS_SOURCES, StolenReportCreate, type StolenReport } from '../../registry/schemas.ts';
import { newIdempotencyKey, request } from '../api/client.ts';
import { SelectField, TextAreaField, TextField } from '../ui/form.tsx';
import { clock } from '../ui/format.ts';
import { ErrorNotice } from '../ui/notice.tsx';
import { fieldMessage } from '../ui/problems.ts';
import { schemaErrors } from '../ui/schema-errors.ts';
import { useFormSubmit } from '../ui/use-form-submit.ts';
import { EMPTY_WEAPON, WeaponFields, weaponBody } from '../weapons/weapon-fields.tsx';
import { ErrorSummary } from '../ui/error-summary.tsx';

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
  const set = (name: keyof typeof report) => (value: string) => setReport((current) => ({ ...current, [name]: value }));

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
          name="kind"
          value={report.kind}
          onChange={set('kind')}
          required
          error={errorAt('/kind')}
          placeholder={t('common.choose')}
          options={LOSS_KINDS.map((value) => ({ value, label: t(`lossKinds.${value}`) }))}
        />
        <TextField
          label={t('registry.lostOn')}
          name="lostOn"
          type="date"
          value={report.lostOn}
          onChange={set('lostOn')}
          required
          error={errorAt('/lostOn')}
        />
        <SelectField
          label={t('registry.sourceType')}
          name="sourceType"
          value={report.sourceType}
          onChange={set('sourceType')}
          required
          error={errorAt('/sourceType')}
          placeholder={t('common.choose')}
          options={LOSS_SOURCES.map((value) => ({ value, label: t(`lossSources.${value}`) }))}
        />
        <TextField
          label={t('registry.country')}
          name="country"
          value={report.country}
          onChange={set('country')}
          maxLength={2}
          hint={t('traceForm.countryHint')}
          error={errorAt('/location/country')}
        />
        <TextField
          label={t('registry.department')}
          name="department"
          value={report.department}
          onChange={set('department')}
          maxLength={120}
        />
        <TextField
          label={t('registry.policeReportNumber')}
          name="policeReportNumber"
          value={report.policeReportNumber}
          onChange={set('policeReportNumber')}
          maxLength={100}
          error={errorAt('/policeReportNumber')}
        />
      </div>
      <TextAreaField
        label={t('registry.circumstances')}
        name="circumstances"
        value={report.circumstances}
        onChange={set('circumstances')}
        required
        error={errorAt('/circumstances')}
      />
      <ErrorNotice error={failure} />
      <div className="actions">
        <button type="button" onClick={() => onDone()}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {t('registry.submit')}
        </button>
      </div>
    </form>
  );
}
