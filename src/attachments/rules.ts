import { DESTRUCTION_LIFECYCLE } from '../destructions/transitions.ts';
import { STOLEN_REPORT_LIFECYCLE } from '../registry/transitions.ts';
import { DESTRUCTION_READERS, ROLES, STOCKPILE_READERS, type Role } from '../shared/actor.ts';
import { rolesOf } from '../shared/lifecycle.ts';
import { ITEM_LIFECYCLE } from '../stockpile/transitions.ts';
import { rolesFor } from '../traces/transitions.ts';

export interface AttachableRecord {
  /** The record's collection under the API base (`/traces`…): attachments are `<path>/:id/attachments`. */
  path: string;
  table: string;
  /** The attachments column that names a record of this kind. */
  column: string;
  /** Who attaches (and retracts): the roles that write this kind of record — only in the record's own agency. */
  writers: readonly Role[];
  /** Who reads the record, and so its attachments (within their scope). */
  readers: readonly Role[];
  /** SQL over the record's row (`r`) that is true once it takes no more attachments. */
  closed?: string;
  what: string;
}

/** The records photographs and documents attach to (contract, 2026-12-05), each ruled as its own domain rules it. */
export const ATTACHABLE = {
  trace: {
    path: '/traces',
    table: 'traces',
    column: 'trace_id',
    writers: rolesFor('create_draft'),
    readers: ROLES,
    what: 'Trace',
  },
  stockpile_item: {
    path: '/stockpile/items',
    table: 'stockpile_items',
    column: 'stockpile_item_id',
    writers: rolesOf(ITEM_LIFECYCLE, 'intake'),
    readers: STOCKPILE_READERS,
    what: 'Stockpile item',
  },
  stolen_report: {
    path: '/stolen-reports',
    table: 'stolen_reports',
    column: 'stolen_report_id',
    writers: rolesOf(STOLEN_REPORT_LIFECYCLE, 'file'),
    readers: ROLES,
    what: 'Stolen report',
  },
  destruction: {
    path: '/destructions',
    table: 'destruction_events',
    column: 'destruction_id',
    writers: rolesOf(DESTRUCTION_LIFECYCLE, 'plan'),
    readers: DESTRUCTION_READERS,
    // The photographs and documents of a destruction close with its verification (contract): the status its
    // lifecycle's verify step reaches.
    closed: `r.status = '${DESTRUCTION_LIFECYCLE.steps.verify.to}'`,
    what: 'Destruction',
  },
} as const satisfies Record<string, AttachableRecord>;

export type RecordKind = keyof typeof ATTACHABLE;
export const RECORD_KINDS = Object.keys(ATTACHABLE) as RecordKind[];
