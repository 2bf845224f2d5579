import type { KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Agency } from '../../identity/schemas.ts';
import { SelectField, TextField } from './form.tsx';

/** A search box of a list's filters. */
export function SearchField(props: {
  label: string;
  hint?: string;
  value: string;
  onChange: (value: string) => void;
  onKeyDown?: (event: KeyboardEvent<HTMLInputElement>) => void;
}) {
  return <TextField type="search" {...props} />;
}

/** A yes / no / all filter (urgent or not, …). */
export function YesNoFilter({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
}) {
  const { t } = useTranslation();
  const options = [
    { value: 'true', label: t('common.yes') },
    { value: 'false', label: t('common.no') },
  ];
  return (
    <SelectField label={label} value={value} onChange={onChange} placeholder={t('common.all')} options={options} />
  );
}

/** The agency filter of the lists that span a region. */
export function AgencyFilter({
  agencies,
  ...field
}: {
  agencies: readonly Agency[];
  value: string;
  onChange: (v: string) => void;
}) {
  const { t } = useTranslation();
  const options = agencies.map((agency) => ({ value: agency.id, label: `${agency.code} — ${agency.name}` }));
  return <SelectField label={t('queue.agency')} placeholder={t('common.all')} {...field} options={options} />;
}

/** The line a list shows when it is narrowed to one case, with the way back to all of it. */
export function OnlyOfCase({ onShowAll }: { onShowAll: () => void }) {
  const { t } = useTranslation();
  return (
    <p>
      {t('cases.onlyOfCase')}{' '}
      <button type="button" className="link" onClick={onShowAll}>
        {t('cases.showAll')}
      </button>
    </p>
  );
}
