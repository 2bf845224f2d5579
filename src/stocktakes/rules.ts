import type { FieldError } from '../shared/problem.ts';
import type { CountBody } from './schemas.ts';

/** What a label's QR code holds: an item reference. Anything else scanned is not a Rastreo label. */
export const ITEM_REFERENCE = /^SI-\d{4}-\d{6,}$/;

/** ISACS 05.20: every store counted in full at least once a year. */
export const COUNT_INTERVAL_DAYS = 365;

export const isOverdue = (lastClosedAt: Date | null, now: Date) =>
  lastClosedAt === null || now.getTime() - lastClosedAt.getTime() > COUNT_INTERVAL_DAYS * 86_400_000;

/** Exactly one way of naming the item counted. */
export function countRuleErrors(body: CountBody): FieldError[] {
  const byReference = body.itemReference !== undefined;
  const bySerial = body.manufacturer !== undefined || body.serialNumber !== undefined;
  if (byReference === bySerial)
    return [{ path: '/itemReference', message: 'give either itemReference, or manufacturer with serialNumber' }];
  if (bySerial && body.manufacturer === undefined)
    return [{ path: '/manufacturer', message: 'is required with serialNumber' }];
  if (bySerial && body.serialNumber === undefined)
    return [{ path: '/serialNumber', message: 'is required with manufacturer' }];
  return [];
}
