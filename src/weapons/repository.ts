import { randomUUID } from 'node:crypto';
import { runQuery, type Queryable } from '../db/knex.ts';
import { applyScope } from '../db/scoped.ts';
import { newestFirst, pageOf } from '../db/pagination.ts';
import type { Scope } from '../shared/actor.ts';
import { normalizeManufacturer, normalizeSerial } from './identity.ts';
import type { Weapon, WeaponDescription, WeaponDetail, WeaponQuery } from './schemas.ts';

export interface WeaponRow {
  id: string;
  manufacturer: string;
  model: string;
  caliber: string;
  type: Weapon['type'];
  serial_number: string | null;
  serial_obliterated: boolean;
  importer: string | null;
  country_of_manufacture: string;
  created_at: Date;
}

export const toWeapon = (row: WeaponRow): Weapon => ({
  id: row.id,
  manufacturer: row.manufacturer,
  model: row.model,
  caliber: row.caliber,
  type: row.type,
  serialNumber: row.serial_number,
  serialObliterated: row.serial_obliterated,
  importer: row.importer,
  countryOfManufacture: row.country_of_manufacture,
  createdAt: row.created_at.toISOString(),
});

/** One physical firearm per (normalized manufacturer, normalized serial); a gun without a serial is always new. */
export async function findOrCreateWeapon(
  db: Queryable,
  weapon: WeaponDescription,
  linkToCaseId?: string,
): Promise<string> {
  return (await findOrCreateWeapons(db, [weapon], linkToCaseId))[0]!;
}

/** Batch form, one statement: returns the weapon id of each description, in order (and links them all to a case if given). */
export async function findOrCreateWeapons(
  db: Queryable,
  weapons: WeaponDescription[],
  linkToCaseId?: string,
): Promise<string[]> {
  const keyOf = new Map<string, Record<string, unknown>>();
  const keys = weapons.map((weapon) => {
    const serial = weapon.serialNumber ? normalizeSerial(weapon.serialNumber) : null;
    const manufacturer = normalizeManufacturer(weapon.manufacturer);
    // Guns without a serial have no identity to share: each is a new weapon with an id of its own.
    const id = randomUUID();
    const key = serial ? `${manufacturer}\u0000${serial}` : id;
    if (!keyOf.has(key)) {
      keyOf.set(key, {
        id,
        manufacturer: weapon.manufacturer,
        manufacturer_normalized: manufacturer,
        model: weapon.model,
        caliber: weapon.caliber,
        type: weapon.type,
        serial_number: weapon.serialNumber,
        serial_normalized: serial,
        serial_obliterated: weapon.serialObliterated,
        importer: weapon.importer,
        country_of_manufacture: weapon.countryOfManufacture,
      });
    }
    return key;
  });
  const insert = db('weapons')
    .insert([...keyOf.values()])
    .toSQL();
  const upsert = `${insert.sql} ${WEAPON_UPSERT} RETURNING id, manufacturer_normalized, serial_normalized`;
  const { rows } = linkToCaseId
    ? await db.raw(
        `WITH w AS (${upsert}), linked AS (INSERT INTO case_weapons (case_id, weapon_id) SELECT ?, id FROM w ON CONFLICT DO NOTHING)
       SELECT * FROM w`,
        [...insert.bindings, linkToCaseId],
      )
    : await db.raw(upsert, insert.bindings);
  const idOf = new Map<string, string>();
  const byId = new Map<string, string>([...keyOf].map(([key, row]) => [row.id as string, key]));
  for (const row of rows as { id: string; manufacturer_normalized: string; serial_normalized: string | null }[]) {
    idOf.set(
      row.serial_normalized ? `${row.manufacturer_normalized}\u0000${row.serial_normalized}` : byId.get(row.id)!,
      row.id,
    );
  }
  return keys.map((key) => idOf.get(key)!);
}

/** The columns a weapon is created with, in the order the statements that create one list them. */
export const WEAPON_COLUMNS = [
  'id',
  'manufacturer',
  'manufacturer_normalized',
  'model',
  'caliber',
  'type',
  'serial_number',
  'serial_normalized',
  'serial_obliterated',
  'importer',
  'country_of_manufacture',
] as const;

/**
 * A gun is one row by its identity (manufacturer and serial, normalized): creating it again finds the existing row,
 * which only gains an importer it did not have. (DO UPDATE rather than DO NOTHING so the id comes back.)
 */
export const WEAPON_UPSERT = `ON CONFLICT (manufacturer_normalized, serial_normalized) WHERE serial_normalized IS NOT NULL
  DO UPDATE SET importer = coalesce(weapons.importer, EXCLUDED.importer)`;

export async function linkWeaponsToCases(db: Queryable, links: { caseId: string; weaponId: string }[]): Promise<void> {
  const unique = new Map(links.map((l) => [`${l.caseId}/${l.weaponId}`, { case_id: l.caseId, weapon_id: l.weaponId }]));
  if (unique.size)
    await db('case_weapons')
      .insert([...unique.values()])
      .onConflict(['case_id', 'weapon_id'])
      .ignore();
}

export const linkWeaponToCase = (db: Queryable, caseId: string, weaponId: string) =>
  linkWeaponsToCases(db, [{ caseId, weaponId }]);

/** A weapon is visible when one of its cases, or one of its custody records, is in scope. */
const visibleWeapons = (db: Queryable, scope: Scope) =>
  scope.kind === 'all'
    ? db('weapons as w')
    : db('weapons as w').where((visible) =>
        visible
          .whereExists((sub) =>
            applyScope(
              sub
                .select(1)
                .from('case_weapons as cw')
                .join('cases as c', 'c.id', 'cw.case_id')
                .whereRaw('cw.weapon_id = w.id'),
              'c.agency_id',
              scope,
            ),
          )
          .orWhereExists((sub) =>
            applyScope(sub.select(1).from('stockpile_items as s').whereRaw('s.weapon_id = w.id'), 's.agency_id', scope),
          ),
      );

export async function findWeapon(db: Queryable, scope: Scope, id: string): Promise<Weapon | undefined> {
  const [row] = await runQuery<WeaponRow>(db, visibleWeapons(db, scope).where('w.id', id).select('w.*').limit(1));
  return row ? toWeapon(row) : undefined;
}

export async function listWeapons(db: Queryable, scope: Scope, query: WeaponQuery, limit: number) {
  const rows = newestFirst(visibleWeapons(db, scope).select('w.*'), 'weapons', 'w', query.cursor, limit);
  if (query.serial) rows.where('w.serial_normalized', normalizeSerial(query.serial));
  if (query.serialPrefix) {
    // A range of the serial index (text_pattern_ops), LIKE's own characters taken literally.
    const prefix = normalizeSerial(query.serialPrefix).replace(/[\\%_]/g, (c) => `\\${c}`);
    rows.where('w.serial_normalized', 'like', `${prefix}%`);
  }
  if (query.manufacturer) rows.where('w.manufacturer_normalized', normalizeManufacturer(query.manufacturer));
  if (query.caseId) {
    // A case the caller may not read is answered as an unknown one (404), so the list never tells that it exists.
    const kase = await runQuery(
      db,
      applyScope(db('cases').where('id', query.caseId), 'agency_id', scope).select('id').limit(1),
    );
    if (!kase.length) return undefined;
    rows.whereIn('w.id', db('case_weapons').where('case_id', query.caseId).select('weapon_id'));
  }
  return pageOf(await rows, limit, (row: WeaponRow) => [row.id], toWeapon);
}

/** A case the weapon is linked to, read straight in its response shape. */
interface CaseLinkRow {
  id: string;
  agencyId: string;
  caseNumber: string;
  title: string;
  offense: string;
  status: string;
}

export async function casesOfWeapon(db: Queryable, scope: Scope, weaponId: string) {
  const [inScope, [total]] = await Promise.all([
    runQuery<CaseLinkRow>(
      db,
      applyScope(
        db('case_weapons as cw').join('cases as c', 'c.id', 'cw.case_id').where('cw.weapon_id', weaponId),
        'c.agency_id',
        scope,
      )
        .select('c.id', 'c.agency_id as agencyId', 'c.case_number as caseNumber', 'c.title', 'c.offense', 'c.status')
        .orderBy('c.created_at'),
    ),
    runQuery<{ count: number }>(db, db('case_weapons').where('weapon_id', weaponId).count({ count: '*' })),
  ]);
  return {
    cases: inScope,
    otherCasesOutsideScope: Number(total?.count ?? 0) - inScope.length,
  };
}

interface CustodyRow {
  id: string;
  reference: string;
  status: string;
  evidence_hold: boolean;
  destruction_id: string | null;
  destruction_reference: string;
  performed_at: Date | null;
  method: string;
  verified_at: Date | null;
}

/** The weapon's latest custody record in scope, with its destruction if any. */
export async function custodyOf(db: Queryable, scope: Scope, weaponId: string): Promise<WeaponDetail['stockpile']> {
  const [row] = await runQuery<CustodyRow>(
    db,
    applyScope(
      db('stockpile_items as s').leftJoin('destruction_events as d', 'd.id', 's.destruction_id'),
      's.agency_id',
      scope,
    )
      .where('s.weapon_id', weaponId)
      .orderBy('s.created_at', 'desc')
      .limit(1)
      .select(
        's.id',
        's.reference',
        's.status',
        's.evidence_hold',
        'd.id as destruction_id',
        'd.reference as destruction_reference',
        'd.performed_at',
        'd.method',
        'd.verified_at',
      ),
  );
  if (!row) return null;
  return {
    itemId: row.id,
    reference: row.reference,
    status: row.status,
    evidenceHold: row.evidence_hold,
    destruction: row.destruction_id
      ? {
          id: row.destruction_id,
          reference: row.destruction_reference,
          performedAt: row.performed_at?.toISOString() ?? null,
          method: row.method,
          verifiedAt: row.verified_at?.toISOString() ?? null,
        }
      : null,
  };
}
