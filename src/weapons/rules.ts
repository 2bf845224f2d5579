import type { FieldError } from '../shared/problem.ts';
import type { WeaponDescription, WeaponInput } from './schemas.ts';

/** The weapon rule no schema expresses, reported at `${base}/serialNumber`. */
export function weaponRuleErrors(weapon: WeaponInput, base: string): FieldError[] {
  return !weapon.serialObliterated && !weapon.serialNumber
    ? [{ path: `${base}/serialNumber`, message: 'is required unless serialObliterated is true' }]
    : [];
}

/** The stored description of a submitted weapon (validation trimmed its text), with absent optional fields as null. */
export const describeWeapon = (weapon: WeaponInput): WeaponDescription => ({
  manufacturer: weapon.manufacturer,
  model: weapon.model,
  caliber: weapon.caliber,
  type: weapon.type,
  serialNumber: weapon.serialNumber ?? null,
  serialObliterated: weapon.serialObliterated ?? false,
  importer: weapon.importer ?? null,
  countryOfManufacture: weapon.countryOfManufacture,
});
