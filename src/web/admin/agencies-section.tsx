import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AgencyCreate, AgencyPatch, type Agency } from '../../identity/schemas.ts';
import { request } from '../api/client.ts';
import { ErrorSummary } from '../ui/error-summary.tsx';
import { CheckboxField, FormFooter, TextField } from '../ui/form.tsx';
import { Notice } from '../ui/notice.tsx';
import { schemaErrors } from '../ui/schema-errors.ts';
import { fieldBinder, useFormSubmit } from '../ui/use-form-submit.ts';

type AgencyForm = Record<'code' | 'name' | 'country' | 'region', string>;
const blank: AgencyForm = { code: '', name: '', country: '', region: '' };

/**
 * Agencies and the regions they form: a region is the code its agencies share (an advisor sees every agency of
 * theirs), so it is created by giving an agency a new one and listed with its agencies and countries.
 */
export function AgenciesSection({ agencies }: { agencies: Agency[] }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<Agency | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const byRegion = new Map<string, Agency[]>();
  for (const agency of agencies) byRegion.set(agency.region, [...(byRegion.get(agency.region) ?? []), agency]);
  const regions = [...byRegion].sort(([a], [b]) => a.localeCompare(b));
  return (
    <section aria-labelledby="agencies-title">
      <h2 id="agencies-title">{t('administration.agencies')}</h2>
      {saved && <Notice tone="success">{saved}</Notice>}
      {editing ? (
        <AgencyEditor
          key={editing.id}
          agency={editing}
          regions={regions.map(([region]) => region)}
          onDone={(message) => {
            setEditing(null);
            setSaved(message);
          }}
        />
      ) : (
        <AgencyEditor key="new" regions={regions.map(([region]) => region)} onDone={setSaved} />
      )}
      <table data-testid="agencies">
        <thead>
          <tr>
            <th>{t('administration.code')}</th>
            <th>{t('administration.name')}</th>
            <th>{t('administration.country')}</th>
            <th>{t('administration.region')}</th>
            <th>{t('administration.reviewRequired')}</th>
            <th>{t('administration.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {agencies.map((agency) => (
            <tr key={agency.id}>
              <td>{agency.code}</td>
              <td>{agency.name}</td>
              <td>{agency.country}</td>
              <td>{agency.region}</td>
              <td>{agency.reviewRequired ? t('common.yes') : t('common.no')}</td>
              <td className="actions">
                <button
                  type="button"
                  aria-label={`${t('administration.edit')} ${agency.code}`}
                  onClick={() => {
                    setSaved(null);
                    setEditing(agency);
                  }}
                >
                  {t('administration.edit')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('administration.regions')}</h3>
      <table data-testid="regions">
        <thead>
          <tr>
            <th>{t('administration.region')}</th>
            <th>{t('administration.agencies')}</th>
            <th>{t('administration.countries')}</th>
          </tr>
        </thead>
        <tbody>
          {regions.map(([region, members]) => (
            <tr key={region}>
              <td>{region}</td>
              <td>{members.map((agency) => agency.code).join(', ')}</td>
              <td>{[...new Set(members.map((agency) => agency.country))].sort().join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Creates an agency, or (given one) changes what may change: everything but its code. */
function AgencyEditor({
  agency,
  regions,
  onDone,
}: {
  agency?: Agency;
  regions: string[];
  onDone: (message: string | null) => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<AgencyForm>(
    agency ? { code: agency.code, name: agency.name, country: agency.country, region: agency.region } : blank,
  );
  const [reviewRequired, setReviewRequired] = useState(agency?.reviewRequired ?? false);
  const trimmed = {
    name: values.name.trim(),
    country: values.country.trim().toUpperCase(),
    region: values.region.trim().toLowerCase(),
  };
  const body = agency
    ? Object.fromEntries(
        Object.entries({ ...trimmed, reviewRequired }).filter(
          ([key, value]) => value !== agency[key as keyof typeof trimmed | 'reviewRequired'],
        ),
      )
    : { code: values.code.trim().toUpperCase(), ...trimmed, reviewRequired };
  const errors = agency
    ? Object.keys(body).length
      ? schemaErrors(t, AgencyPatch, body)
      : {}
    : schemaErrors(t, AgencyCreate, body);
  const { submit, errorAt, failure, busy } = useFormSubmit(
    errors,
    async () => {
      if (agency && !Object.keys(body).length) return onDone(null);
      const result = await request<Agency>(agency ? `/agencies/${agency.id}` : '/agencies', {
        method: agency ? 'PATCH' : 'POST',
        body,
      });
      await queryClient.invalidateQueries({ queryKey: ['agencies'] });
      if (!agency) {
        setValues(blank);
        setReviewRequired(false);
      }
      onDone(t(agency ? 'administration.agencySaved' : 'administration.agencyCreated', { code: result.code }));
    },
    { 'agency-code-taken': '/code' },
  );
  const bind = fieldBinder(values, setValues, errorAt);
  const title = agency ? t('administration.editAgency', { code: agency.code }) : t('administration.newAgency');
  return (
    <form className="panel" onSubmit={submit} noValidate aria-label={title}>
      <h3>{title}</h3>
      <ErrorSummary />
      <div className="grid">
        {!agency && (
          <TextField
            label={t('administration.code')}
            hint={t('administration.codeHint')}
            required
            maxLength={32}
            {...bind('code')}
          />
        )}
        <TextField label={t('administration.name')} required maxLength={200} {...bind('name')} />
        <TextField
          label={t('administration.country')}
          hint={t('fieldErrors.countryCode')}
          required
          maxLength={2}
          {...bind('country')}
        />
        <TextField
          label={t('administration.region')}
          hint={t('administration.regionHint', { regions: regions.join(', ') || '—' })}
          required
          maxLength={64}
          {...bind('region')}
        />
      </div>
      <CheckboxField
        label={t('administration.reviewRequired')}
        hint={t('administration.reviewRequiredHint')}
        checked={reviewRequired}
        onChange={setReviewRequired}
      />
      <FormFooter
        failure={failure}
        busy={busy}
        submitLabel={agency ? t('administration.save') : t('administration.createAgency')}
        onCancel={agency ? () => onDone(null) : undefined}
      />
    </form>
  );
}
