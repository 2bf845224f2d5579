import type { Queryable } from '../db/knex.ts';
import { scopedFrom } from '../db/scoped.ts';
import { decodeIdCursor, pageOf } from '../db/pagination.ts';
import type { Role, Scope } from '../shared/actor.ts';
import { versioned } from '../shared/versioned.ts';
import { toWeapon } from '../weapons/repository.ts';
import {
  CRITICAL_ALERT_EXISTS,
  destructionBlockers,
  OPEN_TRACE_EXISTS,
  STOLEN_REPORT_EXISTS,
} from '../stockpile/eligibility.ts';
import type { ITEM_STATUSES } from '../stockpile/schemas.ts';
import type { Destruction, DestructionDetail, DestructionQuery, IneligibleReason } from './schemas.ts';

export interface DestructionRow {
  id: string;
  reference: string;
  agency_id: string;
  status: Destruction['status'];
  planned_for: string;
  method: Destruction['method'];
  location: string;
  performed_at: Date | null;
  witnesses: Destruction['witnesses'];
  certificate_number: string | null;
  notes: string | null;
  completed_by: string | null;
  completed_at: Date | null;
  verified_by: string | null;
  verified_at: Date | null;
  verification_notes: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  item_count: number;
  version: number;
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

export const toDestruction = (row: DestructionRow): Destruction =>
  versioned(
    {
      id: row.id,
      reference: row.reference,
      agencyId: row.agency_id,
      status: row.status,
      plannedFor: row.planned_for,
      method: row.method,
      location: row.location,
      itemCount: row.item_count,
      performedAt: iso(row.performed_at),
      witnesses: row.witnesses,
      certificateNumber: row.certificate_number,
      notes: row.notes,
      completedBy: row.completed_by,
      completedAt: iso(row.completed_at),
      verifiedBy: row.verified_by,
      verifiedAt: iso(row.verified_at),
      verificationNotes: row.verification_notes,
      createdBy: row.created_by,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    },
    row.version,
  );

const destructionsInScope = (db: Queryable, scope: Scope) =>
  scopedFrom(db, 'destruction_events as d', 'd.agency_id', scope).select(
    'd.*',
    db.raw('(SELECT count(*) FROM stockpile_items s WHERE s.destruction_id = d.id)::int AS item_count'),
  );

export async function findDestruction(db: Queryable, scope: Scope, id: string): Promise<DestructionRow | undefined> {
  return destructionsInScope(db, scope).where('d.id', id).first();
}

export async function listDestructions(db: Queryable, scope: Scope, query: DestructionQuery, limit: number) {
  const after = decodeIdCursor(query.cursor);
  const rows = destructionsInScope(db, scope)
    .orderBy([
      { column: 'd.created_at', order: 'desc' },
      { column: 'd.id', order: 'desc' },
    ])
    .limit(limit + 1);
  if (query.status) rows.where('d.status', query.status);
  if (after)
    rows.whereRaw('(d.created_at, d.id) < (SELECT created_at, id FROM destruction_events WHERE id = ?)', [after]);
  return pageOf(await rows, limit, (row: DestructionRow) => [row.id], toDestruction);
}

interface EligibilityRow {
  id: string;
  agency_id: string;
  status: string;
  evidence_hold: boolean;
  open_trace: boolean;
  stolen_report: boolean;
  critical_alert: boolean;
  weapon_id: string;
}

/** Locks the requested items and tells, per requested id, why it may not be destroyed (empty when it may). */
export async function eligibility(
  db: Queryable,
  itemIds: string[],
  agencyId: string,
): Promise<Map<string, { reasons: IneligibleReason[]; weaponId?: string }>> {
  const { rows } = await db.raw<{ rows: EligibilityRow[] }>(
    `SELECT s.id, s.agency_id, s.status, s.evidence_hold, s.weapon_id, ${OPEN_TRACE_EXISTS} AS open_trace,
            ${STOLEN_REPORT_EXISTS} AS stolen_report, ${CRITICAL_ALERT_EXISTS} AS critical_alert
       FROM stockpile_items s WHERE s.id = ANY(?::uuid[]) FOR UPDATE OF s`,
    [itemIds],
  );
  const found = new Map(rows.map((row) => [row.id, row]));
  return new Map(
    itemIds.map((id): [string, { reasons: IneligibleReason[]; weaponId?: string }] => {
      const row = found.get(id);
      if (!row) return [id, { reasons: ['not_found'] }];
      const blockers = destructionBlockers({
        status: row.status,
        evidenceHold: row.evidence_hold,
        openTrace: row.open_trace,
        stolenReport: row.stolen_report,
        criticalAlert: row.critical_alert,
      });
      // Another agency's item: that it is not ours is all the caller learns (not its custody or holds).
      return [
        id,
        row.agency_id === agencyId ? { reasons: blockers, weaponId: row.weapon_id } : { reasons: ['other_agency'] },
      ];
    }),
  );
}

export async function insertDestruction(db: Queryable, row: Record<string, unknown>): Promise<string> {
  const [inserted] = await db('destruction_events').insert(row).returning('id');
  return inserted.id;
}

/** Moves items between statuses for one event in one statement; returns how many moved. */
export async function moveItems(
  db: Queryable,
  where: { ids?: string[]; destructionId?: string; from: string },
  set: { status: string; destruction_id?: string | null },
) {
  const query = db('stockpile_items').where('status', where.from);
  if (where.ids) query.whereIn('id', where.ids);
  if (where.destructionId) query.where('destruction_id', where.destructionId);
  return query.update({ ...set, updated_at: db.fn.now() }).returning('id');
}

/** Changes the event if it is still in one of `statuses` at `version` (its version goes up, as with every change); false when not. */
export async function updateDestructionWhileStatus(
  db: Queryable,
  id: string,
  statuses: readonly string[],
  version: number,
  set: Record<string, unknown> = {},
) {
  return (
    (await db('destruction_events')
      .where({ id, version })
      .whereIn('status', [...statuses])
      .update({ ...set, updated_at: db.fn.now() })) === 1
  );
}

/** The event's items with their weapons and, in scope, their traces: the link from destruction back to tracing. */
export async function itemsOf(
  db: Queryable,
  scope: Scope,
  destructionId: string,
): Promise<Omit<DestructionDetail['items'][number], 'openAlerts'>[]> {
  const rows = await db('stockpile_items as s')
    .join('weapons as w', 'w.id', 's.weapon_id')
    .where('s.destruction_id', destructionId)
    .orderBy('s.reference')
    .select('s.id as item_id', 's.reference as item_reference', 's.status as item_status', 'w.*');
  const traces = await scopedFrom(db, 'traces as t', 't.agency_id', scope)
    .whereIn(
      't.weapon_id',
      rows.map((r: { id: string }) => r.id),
    )
    .select('t.id', 't.reference', 't.status', 't.weapon_id', 't.outcome');
  const byWeapon = new Map<string, { id: string; reference: string; status: string; outcome: string | null }[]>();
  for (const t of traces)
    byWeapon.set(t.weapon_id, [
      ...(byWeapon.get(t.weapon_id) ?? []),
      { id: t.id, reference: t.reference, status: t.status, outcome: t.outcome },
    ]);
  return rows.map(
    (
      row: Parameters<typeof toWeapon>[0] & {
        item_id: string;
        item_reference: string;
        item_status: (typeof ITEM_STATUSES)[number];
      },
    ) => ({
      itemId: row.item_id,
      reference: row.item_reference,
      status: row.item_status,
      weapon: toWeapon(row),
      traces: byWeapon.get(row.id) ?? [],
    }),
  );
}

/** Who signs a certificate: the agency, and the people who completed and verified the destruction. */
export async function certificateParties(db: Queryable, agencyId: string, userIds: string[]) {
  const [agency, people] = await Promise.all([
    db('agencies').where({ id: agencyId }).first('name', 'code', 'country') as Promise<{
      name: string;
      code: string;
      country: string;
    }>,
    db('users').whereIn('id', userIds).select('id', 'name', 'role') as Promise<
      { id: string; name: string; role: Role }[]
    >,
  ]);
  return { agency, people };
}

/** The guns of a destruction's items. */
export async function weaponsOf(db: Queryable, destructionId: string): Promise<string[]> {
  const rows = await db('stockpile_items').where('destruction_id', destructionId).distinct('weapon_id');
  return rows.map((row: { weapon_id: string }) => row.weapon_id);
}

/** Holds the destruction's row until the transaction ends (verification against its attachments changing meanwhile). */
export async function lockDestruction(db: Queryable, id: string): Promise<void> {
  await db.raw('SELECT 1 FROM destruction_events WHERE id = ? FOR UPDATE', [id]);
}

/** Which of the before/after photographs a destruction still lacks (its attachments, retracted ones not counted). */
export async function missingPhotos(
  db: Queryable,
  id: string,
): Promise<('before_destruction' | 'after_destruction')[]> {
  const present = new Set(
    (
      await db('attachments')
        .where({ destruction_id: id })
        .whereNull('retracted_at')
        .whereIn('kind', ['before_destruction', 'after_destruction'])
        .distinct('kind')
    ).map((row: { kind: string }) => row.kind),
  );
  return (['before_destruction', 'after_destruction'] as const).filter((kind) => !present.has(kind));
}
