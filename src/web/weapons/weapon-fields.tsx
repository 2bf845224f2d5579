import { useTranslation } from 'react-i18next';
import { WEAPON_TYPES } from '../../weapons/schemas.ts';
import { SelectField, TextField } from '../ui/form.tsx';

export const EMPTY_WEAPON = {
  manufacturer: '',
  model: '',
  caliber: '',
  type: '',
  serialNumber: '',
  countryOfManufacture: '',
  importer: '',
};
export type WeaponFieldValues = typeof EMPTY_WEAPON;

/** The weapon as a request body: trimmed, empty fields left out, the country code upper-cased. */
export function weaponBody(values: WeaponFieldValues): Record<string, string> {
  const described = Object.fromEntries(
    Object.entries(values)
      .map(([name, value]) => [name, value.trim()])
      .filter(([, value]) => value !== ''),
  );
  if (described.countryOfManufacture) described.countryOfManufacture = described.countryOfManufacture.toUpperCase();
  return described;
}

/** The fields that describe a weapon, with their errors at `/weapon/<field>`. */
export function WeaponFields({
  value,
  onChange,
  errorAt,
}: {
  value: WeaponFieldValues;
  onChange: (next: (current: WeaponFieldValues) => WeaponFieldValues) => void;
  errorAt: (path: string) => string | undefined;
}) {
  const { t } = useTranslation();
  const text = (name: keyof WeaponFieldValues, label: string, required = true) => (
    <TextField
      label={label}
      name={name}
      value={value[name]}
      required={required}
      error={errorAt(`/weapon/${name}`)}
      onChange={(next) => onChange((current) => ({ ...current, [name]: next }))}
    />
  );
  return (
    <div className="grid">
      {text('manufacturer', t('weapons.manufacturer'))}
      {text('model', t('weapons.model'))}
      {text('caliber', t('weapons.caliber'))}
      <SelectField
        label={t('weapons.type')}
        value={value.type}
        required
        error={errorAt('/weapon/type')}
        placeholder={t('common.choose')}
        onChange={(next) => onChange((current) => ({ ...current, type: next }))}
        options={WEAPON_TYPES.map((type) => ({ value: type, label: t(`weaponTypes.${type}`) }))}
      />
      {text('serialNumber', t('weapons.serialNumber'))}
      {text('countryOfManufacture', t('weapons.countryOfManufacture'))}
      {text('importer', t('weapons.importer'), false)}
    </div>
  );
}
