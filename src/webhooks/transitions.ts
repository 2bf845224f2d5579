import { lifecycle } from '../shared/lifecycle.ts';
import { DELIVERY_STATUSES } from './schemas.ts';

/**
 * A webhook delivery, made by the worker alone: pending until a 2xx (delivered) or the last attempt (failed). While
 * pending it may be parked behind an earlier delivery of its webhook, or repaired when its job was lost.
 */
export const DELIVERY_LIFECYCLE = lifecycle({
  states: DELIVERY_STATUSES,
  steps: {
    create: {
      from: [null],
      to: 'pending',
      by: ['system'],
      guard: 'the webhook subscribed to the event, its agency concerned',
    },
    park: {
      from: ['pending'],
      to: 'pending',
      by: ['system'],
      guard: 'an earlier delivery of the same webhook is pending',
    },
    unpark: {
      from: ['pending'],
      to: 'pending',
      by: ['system'],
      guard: 'no earlier delivery of the webhook is pending',
    },
    repair: { from: ['pending'], to: 'pending', by: ['system'], guard: 'no live job (the reconciler)' },
    retry: { from: ['pending'], to: 'pending', by: ['system'], guard: 'an attempt failed and attempts remain' },
    deliver: { from: ['pending'], to: 'delivered', by: ['system'], guard: 'the receiver answered 2xx in time' },
    fail: { from: ['pending'], to: 'failed', by: ['system'], guard: 'the last attempt failed' },
  },
});
