import { lifecycle } from '../shared/lifecycle.ts';
import { ALERT_STATUSES } from './schemas.ts';

/** An alert: raised by the service, acknowledged and closed by the people it concerns (admins only read). */
export const ALERT_LIFECYCLE = lifecycle({
  states: ALERT_STATUSES,
  steps: {
    raise: {
      from: [null],
      to: 'open',
      by: ['system'],
      guard: 'the same condition never has two alerts that are not closed',
    },
    acknowledge: {
      from: ['open'],
      to: 'acknowledged',
      by: ['investigator', 'advisor', 'stockpile_manager'],
      guard: 'the alert concerns the caller',
    },
    close: {
      from: ['open', 'acknowledged'],
      to: 'closed',
      by: ['investigator', 'advisor', 'stockpile_manager'],
      guard: 'the alert concerns the caller; a note',
    },
  },
});
export type AlertAction = keyof typeof ALERT_LIFECYCLE.steps;
