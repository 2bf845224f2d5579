import { isoDate, type Clock } from '../shared/clock.ts';
import type { FieldError } from '../shared/problem.ts';
import { weaponRuleErrors } from '../weapons/rules.ts';
import type { ItemCreate } from './schemas.ts';

/** The intake rules no JSON Schema expresses; each error names its field. */
export function intakeRuleErrors(body: ItemCreate, clock: Clock): FieldError[] {
  const errors: FieldError[] = [];
  if ((body.weaponId === undefined) === (body.weapon === undefined)) {
    errors.push({ path: '/weaponId', message: 'give either weaponId or weapon, not both and not neither' });
  }
  if (body.weapon) errors.push(...weaponRuleErrors(body.weapon, '/weapon'));
  if (body.intakeDate > isoDate(clock.now()))
    errors.push({ path: '/intakeDate', message: 'must not be in the future' });
  return errors;
}
