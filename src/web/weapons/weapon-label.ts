import type { TFunction } from 'i18next';
import type { WeaponDescription } from '../../weapons/schemas.ts';

/** "Glock 17 (9mm) · serial ABC123" or "… · serial obliterated". */
export function weaponLabel(
  t: TFunction,
  weapon: Pick<WeaponDescription, 'manufacturer' | 'model' | 'caliber' | 'serialNumber' | 'serialObliterated'>,
) {
  const serial =
    weapon.serialObliterated && !weapon.serialNumber
      ? t('weapons.serialObliterated')
      : t('weapons.serialShort', { serial: weapon.serialNumber ?? '—' });
  return `${weapon.manufacturer} ${weapon.model} (${weapon.caliber}) · ${serial}`;
}
