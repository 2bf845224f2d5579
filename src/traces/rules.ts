import { isoDate, type Clock } from '../shared/clock.ts';
import type { FieldError } from '../shared/problem.ts';
import { weaponRuleErrors } from '../weapons/rules.ts';
import type { WeaponDescription, WeaponInput } from '../weapons/schemas.ts';
import type { Possessor, QualityFlag, Stage } from './schemas.ts';

export interface TraceFields {
  weapon: WeaponInput;
  recovery: { date: string };
  possessor?: Possessor | null;
  urgent?: boolean;
  urgentReason?: string | null;
}

/** Rules no JSON Schema expresses; each error names the field it is about. */
export function fieldRuleErrors(fields: TraceFields, clock: Clock): FieldError[] {
  const today = isoDate(clock.now());
  const errors: FieldError[] = weaponRuleErrors(fields.weapon, '/weapon');
  if (fields.recovery.date > today) errors.push({ path: '/recovery/date', message: 'must not be in the future' });
  if (fields.possessor?.dateOfBirth && fields.possessor.dateOfBirth > today) {
    errors.push({ path: '/possessor/dateOfBirth', message: 'must not be in the future' });
  }
  if (fields.urgent && !fields.urgentReason)
    errors.push({ path: '/urgentReason', message: 'is required when urgent is true' });
  return errors;
}

export function qualityFlags(weapon: WeaponDescription, urgent: boolean): QualityFlag[] {
  const flags: QualityFlag[] = [];
  if (urgent) flags.push('urgent');
  if (weapon.serialObliterated) flags.push('obliterated_serial');
  if (weapon.countryOfManufacture !== 'US' && !weapon.importer) flags.push('missing_importer');
  return flags;
}

/**
 * Review is needed when the agency requires it or the trace carries any quality flag — decided inside the statement that
 * makes the change (over `agencies.review_required` and `traces.quality_flags`).
 */
export const needsReviewSql = (reviewRequired: string, flags: string) =>
  `(${reviewRequired} OR cardinality(${flags}) > 0)`;

/** Stages a trace goes through: the importer only for guns made outside the US. */
export const stagesFor = (weapon: WeaponDescription): Stage[] =>
  weapon.countryOfManufacture === 'US'
    ? ['manufacturer', 'dealer', 'purchaser']
    : ['manufacturer', 'importer', 'dealer', 'purchaser'];
