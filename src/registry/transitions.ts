import { lifecycle } from '../shared/lifecycle.ts';
import { REPORT_STATUSES } from './schemas.ts';

/** A lost or stolen report: filed, then closed as recovered or withdrawn by the agency that filed it. */
export const STOLEN_REPORT_LIFECYCLE = lifecycle({
  states: REPORT_STATUSES,
  steps: {
    file: {
      from: [null],
      to: 'active',
      by: ['investigator', 'stockpile_manager'],
      guard: 'no other active report for the weapon',
    },
    recover: {
      from: ['active'],
      to: 'recovered',
      by: ['investigator', 'stockpile_manager'],
      guard: 'the reporting agency',
    },
    withdraw: {
      from: ['active'],
      to: 'withdrawn',
      by: ['investigator', 'stockpile_manager'],
      guard: 'the reporting agency; a reason',
    },
  },
});
