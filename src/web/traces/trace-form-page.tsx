import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import type { Case } from '../../cases/schemas.ts';
import { CIRCUMSTANCES, type Trace } from '../../traces/schemas.ts';
import { WEAPON_TYPES } from '../../weapons/schemas.ts';
import { ApiProblem, newIdempotencyKey, query, request, type Page } from '../api/client.ts';
import { SearchField } from '../ui/filters.tsx';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../ui/form.tsx';

import { ErrorNotice, Loading, Notice } from '../ui/notice.tsx';
import { fieldErrorsByPath } from '../ui/problems.ts';
import {
  emptyTraceForm,
  expectedFlags,
  traceBodyOf,
  traceFormErrors,
  traceFormFrom,
  type TraceFormState,
} from './trace-form-model.ts';
import { ErrorSummary } from '../ui/error-summary.tsx';
import { DateField } from '../ui/date-field.tsx';
import { useOnline } from '../ui/connection.tsx';
import { sessionExpired, useMe } from '../session/session.tsx';
import { DRAFT_KINDS, type TraceDraftContent } from '../drafts/draft-kinds.ts';
import { sendOrKeep } from '../drafts/sender.ts';
import { useDeviceDraft } from '../drafts/use-drafts.tsx';
import { ACCEPTED, FilePicker, type ChosenFile } from '../attachments/attachments-panel.tsx';
import { draftsAvailable, keepList, keptList, stashForm, takeStash, type Draft } from '../drafts/vault.ts';

export function NewTracePage() {
  const [params] = useSearchParams();
  const me = useMe();
  const draftId = params.get('draft');
  // A draft kept on this device (saved offline, or refused by the server): the form as it was typed, with its key.
  const draft = useDeviceDraft('trace', draftId);
  // The form as it was when the last session expired mid-way: signing in again brings it back, once.
  const stash = useQuery({
    queryKey: ['form-stash', me.id],
    queryFn: async () => (await takeStash<TraceFormState>(me.id)) ?? null,
    enabled: !draftId && draftsAvailable(),
    gcTime: 0,
  });
  if ((draftId && draft.isPending) || (!draftId && draftsAvailable() && stash.isPending)) return <Loading />;
  if (draft.data) return <TraceForm key={draft.data.id} initial={draft.data.content.form} draft={draft.data} />;
  if (stash.data) return <TraceForm key={stash.data.key} initial={stash.data.form} restoredKey={stash.data.key} />;
  return <TraceForm initial={emptyTraceForm(params.get('caseId') ?? '')} />;
}

export function EditTracePage() {
  const { id = '' } = useParams();
  const trace = useQuery({ queryKey: ['trace', id], queryFn: () => request<Trace>(`/traces/${id}`) });
  if (trace.isPending) return <Loading />;
  if (trace.error) return <ErrorNotice error={trace.error} />;
  return <TraceForm initial={traceFormFrom(trace.data)} trace={trace.data} />;
}

/** Which form field each JSON Pointer of the body belongs to. */
const FIELD_OF: Record<string, keyof TraceFormState> = {
  '/caseId': 'caseId',
  '/weapon/manufacturer': 'manufacturer',
  '/weapon/model': 'model',
  '/weapon/caliber': 'caliber',
  '/weapon/type': 'type',
  '/weapon/serialNumber': 'serialNumber',
  '/weapon/importer': 'importer',
  '/weapon/countryOfManufacture': 'countryOfManufacture',
  '/recovery/date': 'recoveryDate',
  '/recovery/country': 'recoveryCountry',
  '/recovery/department': 'department',
  '/recovery/municipality': 'municipality',
  '/recovery/address': 'address',
  '/recovery/latitude': 'latitude',
  '/recovery/longitude': 'longitude',
  '/recovery/circumstance': 'circumstance',
  '/possessor/firstName': 'firstName',
  '/possessor/lastName': 'lastName',
  '/possessor/dateOfBirth': 'dateOfBirth',
  '/possessor/nationality': 'nationality',
  '/possessor/idNumber': 'idNumber',
  '/urgentReason': 'urgentReason',
  '/notes': 'notes',
};
const PATH_OF = Object.fromEntries(Object.entries(FIELD_OF).map(([path, field]) => [field, path])) as Record<
  keyof TraceFormState,
  string
>;

function TraceForm({
  initial,
  trace,
  draft,
  restoredKey,
}: {
  initial: TraceFormState;
  trace?: Trace;
  draft?: Draft<TraceDraftContent>;
  /** The key of a form restored after a session expired: kept, so it still makes one trace. */
  restoredKey?: string;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const online = useOnline();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // A draft keeps the key it was given when made: sent from here or from the list, it makes one trace.
  const key = useRef(draft?.id ?? restoredKey ?? newIdempotencyKey());
  const [form, setForm] = useState(initial);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>(() =>
    draft?.errors ? fieldErrorsByPath(t, draft.errors) : {},
  );
  const [failure, setFailure] = useState<unknown>(() =>
    draft?.problem ? new ApiProblem(draft.problem.status, draft.problem.kind, '', draft.problem.body) : null,
  );
  const [duplicateOf, setDuplicateOf] = useState<string | null>(() =>
    draft?.problem?.kind === 'duplicate-trace' ? String(draft.problem.body.duplicateOf) : null,
  );
  const [busy, setBusy] = useState(false);
  // Photographs of the markings, chosen before the trace exists: uploaded on its page once it is saved.
  const [photos, setPhotos] = useState<ChosenFile[]>([]);
  const [photoKind, setPhotoKind] = useState<'marking' | 'serial' | 'overall'>('marking');
  // An agency has more open cases than a list can hold: the newest 200, or those a search finds (number or title).
  const [caseSearch, setCaseSearch] = useState('');
  const cases = useQuery({
    queryKey: ['cases', 'open-for-trace', caseSearch.trim()],
    queryFn: () => request<Page<Case>>(`/cases${query({ status: 'open', q: caseSearch.trim(), limit: 200 })}`),
    enabled: !trace,
    placeholderData: keepPreviousData,
  });
  // Without a connection, the open cases this device kept when it last had one (encrypted, like drafts).
  const casesKey = `open-cases:${me.id}`;
  const keptCases = useQuery({
    queryKey: ['kept-cases', me.id],
    queryFn: async () => (await keptList<Case>(casesKey)) ?? [],
    // (Offline, the query for the live list waits for the link rather than failing.)
    enabled: !trace && draftsAvailable() && (!online || cases.isError),
  });
  useEffect(() => {
    if (cases.data && !caseSearch.trim() && draftsAvailable())
      void keepList(
        casesKey,
        cases.data.items.map(({ id, caseNumber, title }) => ({ id, caseNumber, title })),
      );
  }, [cases.data, caseSearch, casesKey]);
  // The chosen case stays a choice while a search shows others (and when it came from the address).
  const listed = (cases.data?.items ?? []).some((item) => item.id === form.caseId);
  const chosenCase = useQuery({
    queryKey: ['case-choice', form.caseId],
    queryFn: () => request<Case>(`/cases/${form.caseId}`),
    enabled: !trace && Boolean(form.caseId) && cases.isSuccess && !listed,
  });
  const listedCases = cases.data?.items ?? (!online || cases.isError ? (keptCases.data ?? []) : []);
  const caseOptions = [
    ...(!listed && chosenCase.data && !listedCases.some((item) => item.id === chosenCase.data.id)
      ? [chosenCase.data]
      : []),
    ...listedCases,
  ];

  // A session that expires under the form (it is already gone when the form goes) keeps what was typed on the
  // device, encrypted, for the next sign-in; leaving the form any other way — signing out included — keeps nothing.
  const latest = useRef(form);
  latest.current = form;
  useEffect(
    () => () => {
      if (!trace && draftsAvailable() && sessionExpired())
        void stashForm(me.id, { form: latest.current, key: key.current });
    },
    [trace, me.id],
  );

  const errors = useMemo(() => traceFormErrors(t, form), [t, form]);
  const flags = useMemo(() => expectedFlags(form), [form]);
  const errorOf = (field: keyof TraceFormState) => {
    const path = PATH_OF[field];
    const shown = submitted || touched.has(field);
    return (shown ? errors[path] : undefined) ?? serverErrors[path];
  };
  const set =
    <K extends keyof TraceFormState>(field: K) =>
    (value: TraceFormState[K]) => {
      setForm((current) => ({ ...current, [field]: value }));
      setServerErrors((current) => {
        const { [PATH_OF[field]]: _cleared, ...rest } = current;
        return rest;
      });
    };
  const touch = (field: keyof TraceFormState) => () => setTouched((current) => new Set(current).add(field));
  const bind = (field: keyof TraceFormState) => ({
    name: field,
    value: form[field] as string,
    onChange: set(field) as (value: string) => void,
    onBlur: touch(field),
    error: errorOf(field),
  });
  const text = (field: keyof TraceFormState, label: string, extra: Partial<Parameters<typeof TextField>[0]> = {}) => (
    <TextField label={label} {...bind(field)} {...extra} />
  );

  const save = async (mode: 'submit' | 'draft' | 'update' | 'update-and-submit') => {
    setSubmitted(true);
    setFailure(null);
    setDuplicateOf(null);
    if (Object.keys(errors).length) return;
    setBusy(true);
    try {
      let saved: Trace;
      if (trace) {
        const { caseId: _caseId, ...changes } = traceBodyOf(form);
        saved = await request<Trace>(`/traces/${trace.id}`, {
          method: 'PATCH',
          body: {
            ...changes,
            possessor: changes.possessor ?? null,
            urgentReason: changes.urgentReason ?? null,
            notes: changes.notes ?? null,
          },
        });
        if (mode === 'update-and-submit')
          saved = await request<Trace>(`/traces/${trace.id}/submit`, { method: 'POST' });
      } else {
        // No connection: the trace waits on this device and is sent by itself when the link returns.
        const content: TraceDraftContent = { form, submit: mode === 'submit' };
        const outcome = await sendOrKeep(
          { id: key.current, userId: me.id, kind: 'trace', createdAt: draft?.createdAt ?? Date.now(), content },
          Boolean(draft),
          () =>
            request<Trace>(DRAFT_KINDS.trace.path, {
              method: 'POST',
              idempotencyKey: key.current,
              body: DRAFT_KINDS.trace.body(content),
            }),
        );
        if ('kept' in outcome) return navigate('/drafts', { state: { saved: true } });
        saved = outcome.sent;
      }
      await queryClient.invalidateQueries({ queryKey: ['trace', saved.id] });
      await queryClient.invalidateQueries({ queryKey: ['case', saved.caseId] });
      navigate(`/traces/${saved.id}`, photos.length ? { state: { photos } } : undefined);
    } catch (error) {
      if (error instanceof ApiProblem && error.status === 400 && error.errors.length)
        setServerErrors(fieldErrorsByPath(t, error.errors));
      if (error instanceof ApiProblem && error.kind === 'duplicate-trace')
        setDuplicateOf(String(error.body.duplicateOf));
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  const pick = (input: HTMLInputElement) => {
    const chosen = [...(input.files ?? [])].map((file) => ({ file, kind: photoKind }));
    input.value = '';
    setPhotos((current) => [...current, ...chosen]);
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void save(trace ? 'update' : 'submit');
  };
  const foreignWithoutImporter =
    /^[A-Z]{2}$/.test(form.countryOfManufacture.trim().toUpperCase()) &&
    form.countryOfManufacture.trim().toUpperCase() !== 'US' &&
    !form.importer.trim();

  return (
    <section>
      <h1>{trace ? t('traceForm.editTitle', { reference: trace.reference }) : t('traceForm.newTitle')}</h1>
      {restoredKey && <Notice tone="info">{t('traceForm.restored')}</Notice>}
      <form onSubmit={onSubmit} noValidate className="trace-form">
        <ErrorSummary />
        {!trace && (
          <div className="grid">
            <SearchField
              label={t('traceForm.caseSearch')}
              hint={t('traceForm.caseSearchHint')}
              value={caseSearch}
              onChange={setCaseSearch}
              onKeyDown={(event) => {
                if (event.key === 'Enter') event.preventDefault();
              }}
            />
            <SelectField
              label={t('traceForm.case')}
              {...bind('caseId')}
              onChange={(id) => {
                // Seeds the chosen case's own query, so a later search never shows it missing while that loads.
                const item = cases.data?.items.find((candidate) => candidate.id === id);
                if (item) queryClient.setQueryData(['case-choice', id], item);
                set('caseId')(id);
              }}
              required
              placeholder={t('common.choose')}
              options={caseOptions.map((item) => ({
                value: item.id,
                label: `${item.caseNumber} — ${item.title}`,
              }))}
            />
          </div>
        )}
        <fieldset>
          <legend>{t('traceForm.weapon')}</legend>
          <div className="grid">
            {text('manufacturer', t('weapons.manufacturer'), { required: true, maxLength: 120 })}
            {text('model', t('weapons.model'), { required: true })}
            {text('caliber', t('weapons.caliber'), { required: true })}
            <SelectField
              label={t('weapons.type')}
              {...bind('type')}
              required
              placeholder={t('common.choose')}
              options={WEAPON_TYPES.map((value) => ({ value, label: t(`weaponTypes.${value}`) }))}
            />
            <CheckboxField
              label={t('weapons.serialObliteratedLabel')}
              name="serialObliterated"
              checked={form.serialObliterated}
              onChange={set('serialObliterated')}
              hint={t('traceForm.obliteratedHint')}
            />
            {text('serialNumber', t('weapons.serialNumber'), {
              required: !form.serialObliterated,
              maxLength: 64,
              hint: form.serialObliterated ? t('traceForm.serialOptionalWhenObliterated') : undefined,
            })}
            {text('countryOfManufacture', t('weapons.countryOfManufacture'), {
              required: true,
              maxLength: 2,
              hint: t('traceForm.countryHint'),
            })}
            {text('importer', t('weapons.importer'), {
              required: foreignWithoutImporter,
              maxLength: 200,
              warning: foreignWithoutImporter ? t('traceForm.importerWarning') : undefined,
            })}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('traceForm.recovery')}</legend>
          <div className="grid">
            <DateField label={t('traceForm.recoveryDate')} {...bind('recoveryDate')} required />
            <SelectField
              label={t('traceForm.circumstance')}
              {...bind('circumstance')}
              required
              placeholder={t('common.choose')}
              options={CIRCUMSTANCES.map((value) => ({ value, label: t(`circumstances.${value}`) }))}
            />
            {text('recoveryCountry', t('traceForm.recoveryCountry'), {
              maxLength: 2,
              hint: t('traceForm.countryHint'),
            })}
            {text('department', t('traceForm.department'))}
            {text('municipality', t('traceForm.municipality'))}
            {text('address', t('traceForm.address'))}
            {text('latitude', t('traceForm.latitude'), { type: 'number' })}
            {text('longitude', t('traceForm.longitude'), { type: 'number' })}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('traceForm.possessor')}</legend>
          <CheckboxField
            label={t('traceForm.hasPossessor')}
            name="hasPossessor"
            checked={form.hasPossessor}
            onChange={set('hasPossessor')}
          />
          {form.hasPossessor && (
            <div className="grid">
              {text('firstName', t('traceForm.firstName'), { required: true })}
              {text('lastName', t('traceForm.lastName'), { required: true })}
              <DateField label={t('traceForm.dateOfBirth')} {...bind('dateOfBirth')} />
              {text('nationality', t('traceForm.nationality'), { maxLength: 2, hint: t('traceForm.countryHint') })}
              {text('idNumber', t('traceForm.idNumber'))}
            </div>
          )}
        </fieldset>
        <fieldset>
          <legend>{t('traceForm.priority')}</legend>
          <CheckboxField
            label={t('traceForm.urgent')}
            name="urgent"
            checked={form.urgent}
            onChange={set('urgent')}
            hint={t('traceForm.urgentHint')}
          />
          {form.urgent && <TextAreaField label={t('traceForm.urgentReason')} {...bind('urgentReason')} required />}
          <TextAreaField label={t('traceForm.notes')} {...bind('notes')} />
        </fieldset>
        {!trace && (
          <fieldset className="form-photos">
            <legend>{t('attachments.markings')}</legend>
            {online ? (
              <>
                <p className="hint">{t('traceForm.photosHint')}</p>
                <SelectField
                  label={t('attachments.kind')}
                  value={photoKind}
                  onChange={(value) => setPhotoKind(value as typeof photoKind)}
                  options={(['marking', 'serial', 'overall'] as const).map((value) => ({
                    value,
                    label: t(`attachmentKinds.${value}`),
                  }))}
                />
                <div className="actions">
                  <FilePicker
                    label={t('attachments.takePhoto')}
                    accept="image/*"
                    capture="environment"
                    onFiles={(input) => pick(input)}
                  />
                  <FilePicker
                    label={t('attachments.chooseFiles')}
                    accept={ACCEPTED}
                    multiple
                    onFiles={(input) => pick(input)}
                  />
                </div>
                {photos.length > 0 && (
                  <ul className="chosen-photos" data-testid="chosen-photos">
                    {photos.map((photo, index) => (
                      <li key={`${photo.file.name}-${index}`}>
                        {photo.file.name} · {t(`attachmentKinds.${photo.kind}`)}{' '}
                        <button
                          type="button"
                          className="link"
                          aria-label={`${t('traceForm.removePhoto')} ${photo.file.name}`}
                          onClick={() => setPhotos((current) => current.filter((_, at) => at !== index))}
                        >
                          {t('traceForm.removePhoto')}
                        </button>
                      </li>
                    ))}
                  </ul>
                )}
              </>
            ) : (
              <p className="hint">{t('traceForm.photosOffline')}</p>
            )}
          </fieldset>
        )}
        {flags.length > 0 && (
          <Notice tone="warning">
            {t('traceForm.reviewNotice')} {flags.map((flag) => t(`qualityFlags.${flag}`)).join(', ')}.
          </Notice>
        )}
        {duplicateOf ? (
          <p className="notice notice-error" role="alert">
            {t('conflicts.duplicate-trace')} <Link to={`/traces/${duplicateOf}`}>{t('traceForm.openDuplicate')}</Link>
          </p>
        ) : (
          <ErrorNotice error={failure} />
        )}
        <div className="actions">
          {trace ? (
            <>
              <button type="submit" disabled={busy}>
                {t('traceForm.save')}
              </button>
              <button type="button" className="primary" disabled={busy} onClick={() => void save('update-and-submit')}>
                {t('traceForm.saveAndSubmit')}
              </button>
            </>
          ) : (
            <>
              <button type="button" disabled={busy} onClick={() => void save('draft')}>
                {t('traceForm.saveDraft')}
              </button>
              <button type="submit" className="primary" disabled={busy}>
                {online || !draftsAvailable() ? t('traceForm.submit') : t('drafts.saveOnDevice')}
              </button>
            </>
          )}
        </div>
      </form>
    </section>
  );
}
