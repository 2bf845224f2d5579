import { lifecycle } from '../shared/lifecycle.ts';
import { STOCKTAKE_STATUSES } from './schemas.ts';

/** A stocktake: opened by one stockpile manager, counted (by anyone of the agency's managers, from any device), closed by another. */
export const STOCKTAKE_LIFECYCLE = lifecycle({
  states: STOCKTAKE_STATUSES,
  steps: {
    open: {
      from: [null],
      to: 'open',
      by: ['stockpile_manager'],
      guard: 'no other stocktake of the same store is open or counting',
    },
    count: { from: ['open', 'counting'], to: 'counting', by: ['stockpile_manager'], guard: 'an item of the agency' },
    close: {
      from: ['open', 'counting'],
      to: 'closed',
      by: ['stockpile_manager'],
      guard: 'a stockpile manager other than the one who opened it; a note',
    },
  },
});
export type StocktakeAction = keyof typeof STOCKTAKE_LIFECYCLE.steps;
