import { lifecycle } from '../shared/lifecycle.ts';
import { ITEM_STATUSES } from './schemas.ts';

/** A stockpile item in custody: taken in, scheduled by a destruction plan (and back, when removed from it), destroyed. */
export const ITEM_LIFECYCLE = lifecycle({
  states: ITEM_STATUSES,
  steps: {
    intake: { from: [null], to: 'in_custody', by: ['stockpile_manager'] },
    schedule: {
      from: ['in_custody'],
      to: 'scheduled',
      by: ['stockpile_manager'],
      guard: 'planned for destruction (see DESTRUCTION_LIFECYCLE.plan)',
    },
    unschedule: {
      from: ['scheduled'],
      to: 'in_custody',
      by: ['stockpile_manager'],
      guard: 'removed from a planned destruction',
    },
    destroy: { from: ['scheduled'], to: 'destroyed', by: ['stockpile_manager'], guard: 'its destruction completed' },
  },
});

/** An evidence hold on an item in custody: placed and released by its agency's stockpile managers, each with a reason. */
export const HOLD_LIFECYCLE = lifecycle({
  states: ['free', 'held'],
  steps: {
    hold: { from: ['free'], to: 'held', by: ['stockpile_manager'], guard: 'the item is in custody; a reason' },
    release_hold: { from: ['held'], to: 'free', by: ['stockpile_manager'], guard: 'the item is in custody; a reason' },
  },
});
export type HoldState = (typeof HOLD_LIFECYCLE.states)[number];
export const holdStateOf = (item: { evidenceHold: boolean }): HoldState => (item.evidenceHold ? 'held' : 'free');
