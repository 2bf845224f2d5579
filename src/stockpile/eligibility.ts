import type { DestructionBlocker } from './schemas.ts';
import { FINAL_STATUSES } from '../traces/schemas.ts';

const NOT_FINAL = `t.status NOT IN (${FINAL_STATUSES.map((status) => `'${status}'`).join(', ')})`;

/** SQL, over a stockpile item aliased `s`: its weapon has a trace that is not final, in any agency. */
export const OPEN_TRACE_EXISTS = `EXISTS (SELECT 1 FROM traces t WHERE t.weapon_id = s.weapon_id AND ${NOT_FINAL})`;

/** SQL, over `s`: its weapon is reported stolen or lost (an active report, any agency's). */
export const STOLEN_REPORT_EXISTS = `EXISTS (SELECT 1 FROM stolen_reports sr WHERE sr.weapon_id = s.weapon_id AND sr.status = 'active')`;

/** SQL, over `s`: a critical alert about its weapon is not closed (whoever may see it: diversion is never hidden by scope). */
export const CRITICAL_ALERT_EXISTS = `EXISTS (SELECT 1 FROM alerts al WHERE al.weapon_id = s.weapon_id AND al.status <> 'closed' AND al.severity = 'critical')`;

/** SQL, over `s`: the oldest not-final trace of its weapon by the item's own agency, as JSON {id, reference}, or null. */
export const OWN_OPEN_TRACE = `(SELECT json_build_object('id', t.id, 'reference', t.reference) FROM traces t
  WHERE t.weapon_id = s.weapon_id AND t.agency_id = s.agency_id AND ${NOT_FINAL} ORDER BY t.created_at, t.id LIMIT 1)`;

/** Why an item cannot be planned for destruction now: the one rule behind the 409 of POST /destructions and the item's `destructionBlockers`. */
export function destructionBlockers(item: {
  status: string;
  evidenceHold: boolean;
  openTrace: boolean;
  stolenReport: boolean;
  criticalAlert: boolean;
}): DestructionBlocker[] {
  const blockers: DestructionBlocker[] = [];
  if (item.status !== 'in_custody') blockers.push('not_in_custody');
  if (item.evidenceHold) blockers.push('evidence_hold');
  if (item.openTrace) blockers.push('open_trace');
  if (item.stolenReport) blockers.push('stolen_report');
  if (item.criticalAlert) blockers.push('critical_alert');
  return blockers;
}
