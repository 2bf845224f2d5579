import { runQuery, type Queryable } from '../db/knex.ts';
import { scopedFrom } from '../db/scoped.ts';
import { newestFirst, pageOf } from '../db/pagination.ts';
import type { Scope } from '../shared/actor.ts';
import { versioned, versionOf } from '../shared/versioned.ts';
import { toWeapon, type WeaponRow } from '../weapons/repository.ts';
import type { Case, CaseCreate, CaseDetail, CasePatch, CaseQuery } from './schemas.ts';

interface CaseRow {
  id: string;
  agency_id: string;
  case_number: string;
  title: string;
  offense: Case['offense'];
  status: Case['status'];
  opened_at: string;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  version: number;
}

const toCase = (row: CaseRow): Case =>
  versioned(
    {
      id: row.id,
      agencyId: row.agency_id,
      caseNumber: row.case_number,
      title: row.title,
      offense: row.offense,
      status: row.status,
      openedAt: row.opened_at,
      createdBy: row.created_by,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    },
    row.version,
  );

const casesInScope = (db: Queryable, scope: Scope) => scopedFrom(db, 'cases', 'agency_id', scope);

/**
 * The rule "a case of the agency" (with what a new trace in it needs: whether it is open, and its agency's review rule
 * and region), as SQL for statements that check it inline: `agency` is a named binding, or omitted when the statement
 * matches each row's own agency against `agency_id`.
 */
export const agencyCasesSql = (agency?: string) =>
  `SELECT c.id, c.agency_id, c.status, a.review_required, a.region FROM cases c JOIN agencies a ON a.id = c.agency_id${agency ? ` WHERE c.agency_id = ${agency}` : ''}`;

/** The rule "the case takes new traces and weapons", over a row of `agencyCasesSql`. */
export const caseIsOpenSql = (alias: string) => `${alias}.status = 'open'`;

/** The case, if it is one of the agency's: its status tells open from closed. */
export async function caseOfAgency(
  db: Queryable,
  agencyId: string,
  caseId: string,
): Promise<{ id: string; status: 'open' | 'closed' } | undefined> {
  const {
    rows: [row],
  } = await db.raw(`SELECT id, status FROM (${agencyCasesSql(':agencyId')}) k WHERE k.id = :caseId`, {
    agencyId,
    caseId,
  });
  return row;
}

/** The ids of an agency's cases by their case numbers (those that exist). */
export async function caseIdsByNumber(
  db: Queryable,
  agencyId: string,
  numbers: string[],
): Promise<Map<string, string>> {
  const rows = await runQuery<{ id: string; case_number: string }>(
    db,
    db('cases').where('agency_id', agencyId).whereIn('case_number', numbers).select('id', 'case_number'),
  );
  return new Map(rows.map((row) => [row.case_number, row.id]));
}

export async function insertCase(db: Queryable, agencyId: string, userId: string, body: CaseCreate): Promise<Case> {
  const [row] = await db('cases')
    .insert({
      agency_id: agencyId,
      created_by: userId,
      case_number: body.caseNumber,
      title: body.title,
      offense: body.offense,
      opened_at: body.openedAt,
    })
    .returning('*');
  return toCase(row);
}

export async function findCase(db: Queryable, scope: Scope, id: string): Promise<Case | undefined> {
  const row = await casesInScope(db, scope).where({ id }).first();
  return row ? toCase(row) : undefined;
}

/** The case's change, if it is still at `version` (undefined when it is not). */
export async function updateCase(
  db: Queryable,
  id: string,
  version: number,
  patch: CasePatch,
): Promise<Case | undefined> {
  const [row] = await db('cases')
    .where({ id, version })
    .update({ title: patch.title, status: patch.status, updated_at: db.fn.now() })
    .returning('*');
  return row ? toCase(row) : undefined;
}

export const caseVersion = (kase: Case) => versionOf(kase)!;

export async function listCases(db: Queryable, scope: Scope, query: CaseQuery, limit: number) {
  const rows = newestFirst(casesInScope(db, scope), 'cases', null, query.cursor, limit);
  if (query.status) rows.where('status', query.status);
  if (query.q) {
    const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    rows.where((q) => q.whereILike('case_number', pattern).orWhereILike('title', pattern));
  }
  return pageOf(await rows, limit, (row: CaseRow) => [row.id], toCase);
}

/** How many of a case's traces and weapons its detail embeds, newest first; the lists page the rest. */
export const CASE_EMBED_LIMIT = 50;

export async function caseContents(
  db: Queryable,
  caseId: string,
): Promise<Pick<CaseDetail, 'weapons' | 'traces' | 'weaponsTotal' | 'tracesTotal'>> {
  const [weapons, traces] = await Promise.all([
    runQuery<WeaponRow & { total: string }>(
      db,
      db('case_weapons as cw')
        .join('weapons as w', 'w.id', 'cw.weapon_id')
        .where('cw.case_id', caseId)
        .orderBy([
          { column: 'w.created_at', order: 'desc' },
          { column: 'w.id', order: 'desc' },
        ])
        .limit(CASE_EMBED_LIMIT)
        .select('w.*', db.raw('count(*) OVER () AS total')),
    ),
    runQuery<{
      id: string;
      reference: string;
      weapon_id: string;
      status: string;
      outcome: string | null;
      recovery_date: string;
      total: string;
    }>(
      db,
      db('traces')
        .where({ case_id: caseId })
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(CASE_EMBED_LIMIT)
        .select(
          'id',
          'reference',
          'weapon_id',
          'status',
          'recovery_date',
          'outcome',
          db.raw('count(*) OVER () AS total'),
        ),
    ),
  ]);
  return {
    weapons: weapons.map(toWeapon),
    weaponsTotal: Number(weapons[0]?.total ?? 0),
    traces: traces.map((t) => ({
      id: t.id,
      reference: t.reference,
      weaponId: t.weapon_id,
      status: t.status,
      outcome: t.outcome,
      recoveryDate: t.recovery_date,
    })),
    tracesTotal: Number(traces[0]?.total ?? 0),
  };
}
