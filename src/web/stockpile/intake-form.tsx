import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Case } from '../../cases/schemas.ts';
import { intakeRuleErrors } from '../../stockpile/rules.ts';
import { ITEM_SOURCES, ItemCreate, type ItemCreate as ItemCreateBody } from '../../stockpile/schemas.ts';
import type { Weapon } from '../../weapons/schemas.ts';
import { newIdempotencyKey, query, request, type Page } from '../api/client.ts';
import { CheckboxField, SelectField, TextField } from '../ui/form.tsx';
import { clock, todayIso } from '../ui/format.ts';
import { ErrorNotice } from '../ui/notice.tsx';
import { fieldMessage } from '../ui/problems.ts';
import { schemaErrors } from '../ui/schema-errors.ts';
import { useFormSubmit } from '../ui/use-form-submit.ts';
import { EMPTY_WEAPON, WeaponFields, weaponBody } from '../weapons/weapon-fields.tsx';
import { weaponLabel } from '../weapons/weapon-label.ts';

/** Intake of a weapon into custody: a weapon already known (found by serial) or a new description. */
export function IntakeForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const key = useRef(newIdempotencyKey());
  const [serialSearch, setSerialSearch] = useState('');
  const [weaponId, setWeaponId] = useState('');
  const [weapon, setWeapon] = useState(EMPTY_WEAPON);
  const [source, setSource] = useState('');
  const [intakeDate, setIntakeDate] = useState(todayIso());
  const [storageLocation, setStorageLocation] = useState('');
  const [caseId, setCaseId] = useState('');
  const [evidenceHold, setEvidenceHold] = useState(false);
  const matches = useQuery({
    queryKey: ['weapons', serialSearch],
    queryFn: () => request<Page<Weapon>>(`/weapons${query({ serial: serialSearch.trim(), limit: 20 })}`),
    enabled: serialSearch.trim().length >= 2,
  });
  const cases = useQuery({ queryKey: ['cases', 'for-intake'], queryFn: () => request<Page<Case>>('/cases?limit=200') });

  const body = useMemo(() => {
    return {
      ...(weaponId ? { weaponId } : { weapon: weaponBody(weapon) }),
      source, intakeDate, storageLocation: storageLocation.trim(),
      ...(caseId ? { caseId } : {}), evidenceHold,
    };
  }, [weapon, weaponId, source, intakeDate, storageLocation, caseId, evidenceHold]);
  const errors = useMemo(() => {
    const found = schemaErrors(t, ItemCreate, body);
    for (const rule of intakeRuleErrors(body as ItemCreateBody, clock)) found[rule.path] ??= fieldMessage(t, rule.message);
    return found;
  }, [t, body]);
  const { submit, errorAt, failure, busy } = useFormSubmit(errors, async () => {
    await request('/stockpile/items', { method: 'POST', idempotencyKey: key.current, body });
    await queryClient.invalidateQueries({ queryKey: ['stockpile'] });
    onDone();
  });

  return (
    <form className="panel" onSubmit={submit} noValidate aria-labelledby="intake-title">
      <h2 id="intake-title">{t('custody.intake')}</h2>
      <fieldset>
        <legend>{t('traceForm.weapon')}</legend>
        <TextField label={t('custody.findBySerial')} type="search" value={serialSearch} onChange={setSerialSearch} hint={t('custody.findBySerialHint')} />
        {(matches.data?.items.length ?? 0) > 0 && (
          <SelectField label={t('custody.knownWeapon')} value={weaponId} onChange={setWeaponId} placeholder={t('custody.newWeapon')}
            options={(matches.data?.items ?? []).map((item) => ({ value: item.id, label: weaponLabel(t, item) }))} />
        )}
        {!weaponId && <WeaponFields value={weapon} onChange={setWeapon} errorAt={errorAt} />}
      </fieldset>
      <div className="grid">
        <SelectField label={t('custody.source')} name="source" value={source} onChange={setSource} required error={errorAt('/source')}
          placeholder={t('common.choose')} options={ITEM_SOURCES.map((value) => ({ value, label: t(`itemSources.${value}`) }))} />
        <TextField label={t('custody.intakeDate')} name="intakeDate" type="date" value={intakeDate} onChange={setIntakeDate} required error={errorAt('/intakeDate')} />
        <TextField label={t('custody.location')} name="storageLocation" value={storageLocation} onChange={setStorageLocation} required
          maxLength={200} error={errorAt('/storageLocation')} />
        <SelectField label={t('custody.case')} name="caseId" value={caseId} placeholder={t('custody.noCase')}
          onChange={(value) => { setCaseId(value); setEvidenceHold(Boolean(value)); }}
          options={(cases.data?.items ?? []).map((item) => ({ value: item.id, label: `${item.caseNumber} — ${item.title}` }))} />
        <CheckboxField label={t('custody.evidenceHold')} checked={evidenceHold} onChange={setEvidenceHold} hint={t('custody.evidenceHoldHint')} />
      </div>
      <ErrorNotice error={failure} />
      <div className="actions">
        <button type="button" onClick={onDone}>{t('common.cancel')}</button>
        <button type="submit" className="primary" disabled={busy}>{t('custody.register')}</button>
      </div>
    </form>
  );
}
