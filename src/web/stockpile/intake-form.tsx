import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SearchField } from '../ui/filters.tsx';
import type { Case } from '../../cases/schemas.ts';
import { intakeRuleErrors } from '../../stockpile/rules.ts';
import {
  ITEM_SOURCES,
  ItemCreate,
  type ItemCreate as ItemCreateBody,
  type StockpileItem,
} from '../../stockpile/schemas.ts';
import { OpenAlertsBand } from '../alerts/open-alerts.tsx';
import { IntakeAlertDialog } from './intake-alert-dialog.tsx';
import type { Weapon, WeaponDetail } from '../../weapons/schemas.ts';
import { newIdempotencyKey, query, request, type Page } from '../api/client.ts';
import { CheckboxField, FormFooter, SelectField, TextField } from '../ui/form.tsx';
import { clock, todayIso } from '../ui/format.ts';
import { fieldMessage } from '../ui/problems.ts';
import { schemaErrors } from '../ui/schema-errors.ts';
import { fieldBinder, useFormSubmit } from '../ui/use-form-submit.ts';
import { EMPTY_WEAPON, WeaponFields, weaponBody } from '../weapons/weapon-fields.tsx';
import { weaponLabel } from '../weapons/weapon-label.ts';
import { ErrorSummary } from '../ui/error-summary.tsx';
import { DateField } from '../ui/date-field.tsx';

/** Intake of a weapon into custody: a weapon already known (found by serial) or a new description. */
export function IntakeForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const key = useRef(newIdempotencyKey());
  const [serialSearch, setSerialSearch] = useState('');
  const [weaponId, setWeaponId] = useState('');
  const [weapon, setWeapon] = useState(EMPTY_WEAPON);
  const [values, setValues] = useState({ source: '', intakeDate: todayIso(), storageLocation: '' });
  const { source, intakeDate, storageLocation } = values;
  const [caseId, setCaseId] = useState('');
  const [evidenceHold, setEvidenceHold] = useState(false);
  const matches = useQuery({
    queryKey: ['weapons', serialSearch],
    queryFn: () => request<Page<Weapon>>(`/weapons${query({ serialPrefix: serialSearch.trim(), limit: 20 })}`),
    enabled: serialSearch.trim().length >= 3,
  });
  const cases = useQuery({ queryKey: ['cases', 'for-intake'], queryFn: () => request<Page<Case>>('/cases?limit=200') });
  const chosen = useQuery({
    queryKey: ['weapon', weaponId],
    queryFn: () => request<WeaponDetail>(`/weapons/${weaponId}`),
    enabled: Boolean(weaponId),
  });
  const openCases = (chosen.data?.cases ?? []).filter((item) => item.status === 'open');
  // A gun that belongs to an open case comes in under that case, held as evidence (the user can still change both).
  useEffect(() => {
    const open = (chosen.data?.cases ?? []).filter((item) => item.status === 'open');
    if (open.length === 1) {
      setCaseId(open[0]!.id);
      setEvidenceHold(true);
    }
  }, [chosen.data]);
  const choose = (id: string) => {
    setWeaponId(id);
    if (!id) {
      setCaseId('');
      setEvidenceHold(false);
    }
  };
  const caseOptions = [
    ...openCases.map((item) => ({
      value: item.id,
      label: `${item.caseNumber} — ${item.title} (${t('custody.weaponsCase')})`,
    })),
    ...(cases.data?.items ?? [])
      .filter((item) => !openCases.some((open) => open.id === item.id))
      .map((item) => ({ value: item.id, label: `${item.caseNumber} — ${item.title}` })),
  ];

  const body = useMemo(() => {
    return {
      ...(weaponId ? { weaponId } : { weapon: weaponBody(weapon) }),
      source,
      intakeDate,
      storageLocation: storageLocation.trim(),
      ...(caseId ? { caseId } : {}),
      evidenceHold,
    };
  }, [weapon, weaponId, source, intakeDate, storageLocation, caseId, evidenceHold]);
  const errors = useMemo(() => {
    const found = schemaErrors(t, ItemCreate, body);
    for (const rule of intakeRuleErrors(body as ItemCreateBody, clock))
      found[rule.path] ??= fieldMessage(t, rule.message);
    return found;
  }, [t, body]);
  // An intake that raised or found open alerts about the gun stops on a dialog before the form closes.
  const [alerted, setAlerted] = useState<StockpileItem | null>(null);
  const { submit, errorAt, failure, busy } = useFormSubmit(errors, async () => {
    const item = await request<StockpileItem>('/stockpile/items', {
      method: 'POST',
      idempotencyKey: key.current,
      body,
    });
    await queryClient.invalidateQueries({ queryKey: ['stockpile'] });
    if (item.openAlerts.length) setAlerted(item);
    else onDone();
  });
  const field = fieldBinder(values, setValues, errorAt);

  return (
    <form className="panel" onSubmit={submit} noValidate aria-labelledby="intake-title">
      <ErrorSummary />
      <h2 id="intake-title">{t('custody.intake')}</h2>
      <fieldset>
        <legend>{t('traceForm.weapon')}</legend>
        {weaponId && chosen.data ? (
          <div className="chosen" data-testid="chosen-weapon">
            <p>
              <strong>{t('custody.knownWeapon')}:</strong> {weaponLabel(t, chosen.data.weapon)}
            </p>
            <OpenAlertsBand alerts={chosen.data.openAlerts} weaponId={chosen.data.weapon.id} />
            {openCases.length > 0 && (
              <p className="hint">
                {t('custody.weaponCases', { cases: openCases.map((item) => item.caseNumber).join(', ') })}
              </p>
            )}
            <button type="button" className="small" onClick={() => choose('')}>
              {t('custody.otherWeapon')}
            </button>
          </div>
        ) : (
          <>
            {/* Enter searches; it never sends the whole form. */}
            <SearchField
              label={t('custody.findBySerial')}
              hint={t('custody.findBySerialHint')}
              value={serialSearch}
              onChange={setSerialSearch}
              onKeyDown={(event) => {
                if (event.key === 'Enter') event.preventDefault();
              }}
            />
            {serialSearch.trim().length >= 3 &&
              matches.data &&
              (matches.data.items.length === 0 ? (
                <p className="hint" role="status">
                  {t('custody.noMatch')}
                </p>
              ) : (
                <ul className="plain matches" aria-label={t('custody.matches')} data-testid="weapon-matches">
                  {matches.data.items.map((item) => (
                    <li key={item.id}>
                      {weaponLabel(t, item)}{' '}
                      <button type="button" className="small" onClick={() => choose(item.id)}>
                        {t('custody.useWeapon')}
                      </button>
                    </li>
                  ))}
                </ul>
              ))}
            <WeaponFields value={weapon} onChange={setWeapon} errorAt={errorAt} />
          </>
        )}
      </fieldset>
      <div className="grid">
        <SelectField
          label={t('custody.source')}
          {...field('source')}
          required
          placeholder={t('common.choose')}
          options={ITEM_SOURCES.map((value) => ({ value, label: t(`itemSources.${value}`) }))}
        />
        <DateField label={t('custody.intakeDate')} {...field('intakeDate')} required />
        <TextField label={t('custody.location')} {...field('storageLocation')} required maxLength={200} />
        <SelectField
          label={t('custody.case')}
          name="caseId"
          value={caseId}
          placeholder={t('custody.noCase')}
          onChange={(value) => {
            setCaseId(value);
            setEvidenceHold(Boolean(value));
          }}
          options={caseOptions}
        />
        <CheckboxField
          label={t('custody.evidenceHold')}
          checked={evidenceHold}
          onChange={setEvidenceHold}
          hint={t('custody.evidenceHoldHint')}
        />
      </div>
      <FormFooter failure={failure} busy={busy} submitLabel={t('custody.register')} onCancel={onDone} />
      <IntakeAlertDialog item={alerted} onClose={onDone} />
    </form>
  );
}
