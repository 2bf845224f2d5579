import { lifecycle } from '../shared/lifecycle.ts';
import { DESTRUCTION_STATUSES } from './schemas.ts';

/** A destruction event: planned, completed before witnesses, verified by a second person. Nothing changes after. */
export const DESTRUCTION_LIFECYCLE = lifecycle({
  states: DESTRUCTION_STATUSES,
  steps: {
    plan: {
      from: [null],
      to: 'planned',
      by: ['stockpile_manager'],
      guard: 'every item eligible (in custody, no hold, no open trace, no active report or open critical alert)',
    },
    remove_item: { from: ['planned'], to: 'planned', by: ['stockpile_manager'] },
    complete: { from: ['planned'], to: 'completed', by: ['stockpile_manager'], guard: 'at least two witnesses' },
    verify: {
      from: ['completed'],
      to: 'verified',
      by: ['stockpile_manager', 'advisor'],
      guard: 'not the person who completed it',
    },
  },
});
