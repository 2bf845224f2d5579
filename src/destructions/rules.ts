import type { Clock } from '../shared/clock.ts';
import type { FieldError } from '../shared/problem.ts';
import type { DestructionComplete } from './schemas.ts';

/** The completion rule no JSON Schema expresses: a destruction is recorded after the fact. */
export const completionRuleErrors = (body: DestructionComplete, clock: Clock): FieldError[] =>
  Date.parse(body.performedAt) > clock.now().getTime()
    ? [{ path: '/performedAt', message: 'must not be in the future' }]
    : [];
