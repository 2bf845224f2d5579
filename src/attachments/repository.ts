import type { Queryable } from '../db/knex.ts';
import { applyScope } from '../db/scoped.ts';
import type { Scope } from '../shared/actor.ts';
import type { ContentType } from './content.ts';
import { ATTACHABLE, RECORD_KINDS, type RecordKind } from './rules.ts';
import type { Attachment, AttachmentKind } from './schemas.ts';

export interface AttachmentRow {
  id: string;
  agency_id: string;
  trace_id: string | null;
  stockpile_item_id: string | null;
  stolen_report_id: string | null;
  destruction_id: string | null;
  kind: AttachmentKind;
  caption: string | null;
  file_name: string | null;
  content_type: ContentType;
  size: string;
  sha256: string;
  width: number | null;
  height: number | null;
  taken_at: Date | null;
  object_key: string;
  thumbnail_key: string | null;
  created_by: string;
  created_at: Date;
  idempotency_key: string | null;
  retracted_at: Date | null;
  retracted_by: string | null;
  retract_reason: string | null;
}

export const attachmentOf = (row: AttachmentRow): Attachment => ({
  id: row.id,
  kind: row.kind,
  caption: row.caption,
  fileName: row.file_name,
  contentType: row.content_type,
  size: Number(row.size),
  sha256: row.sha256,
  width: row.width,
  height: row.height,
  takenAt: row.taken_at?.toISOString() ?? null,
  hasThumbnail: row.thumbnail_key !== null,
  createdBy: row.created_by,
  createdAt: row.created_at.toISOString(),
  retracted: row.retracted_at
    ? { at: row.retracted_at.toISOString(), by: row.retracted_by!, reason: row.retract_reason! }
    : null,
});

/** The record an attachment belongs to: its kind and id. */
export function recordOf(row: AttachmentRow): { kind: RecordKind; id: string } {
  const kind = RECORD_KINDS.find((candidate) => row[ATTACHABLE[candidate].column as keyof AttachmentRow])!;
  return { kind, id: row[ATTACHABLE[kind].column as keyof AttachmentRow] as string };
}

/** A record in the caller's scope: its agency, and whether it still takes attachments; undefined when not in scope. */
export async function findRecord(db: Queryable, kind: RecordKind, id: string, scope: Scope) {
  const spec = ATTACHABLE[kind];
  const closed = 'closed' in spec ? spec.closed : 'false';
  const [row] = await applyScope(db(`${spec.table} as r`), 'r.agency_id', scope)
    .where('r.id', id)
    .select('r.agency_id', db.raw(`(${closed}) AS closed`));
  return row as { agency_id: string; closed: boolean } | undefined;
}

/**
 * Holds a record that closes (a destruction) against its closing until the transaction ends: a verification waits for
 * an attachment being added or retracted, and one that went first is seen by the statement after this.
 */
export async function holdRecord(db: Queryable, kind: RecordKind, id: string): Promise<void> {
  const spec = ATTACHABLE[kind];
  if ('closed' in spec) await db.raw(`SELECT 1 FROM ${spec.table} WHERE id = ? FOR SHARE`, [id]);
}

export interface NewAttachment {
  id: string;
  agencyId: string;
  record: { kind: RecordKind; id: string };
  kind: AttachmentKind;
  caption: string | null;
  fileName: string | null;
  contentType: ContentType;
  size: number;
  sha256: string;
  width: number | null;
  height: number | null;
  takenAt: Date | null;
  objectKey: string;
  thumbnailKey: string | null;
  createdBy: string;
  idempotencyKey: string | null;
}

/**
 * Records an attachment, in one statement that also holds the record's closing rule (a destruction verified meanwhile
 * takes nothing) and the uploader's idempotency key (a retried upload adds nothing). `inserted` false: the key was
 * taken or the record closed — the caller tells which.
 */
export async function insertAttachment(db: Queryable, a: NewAttachment): Promise<AttachmentRow | undefined> {
  const spec = ATTACHABLE[a.record.kind];
  const closed = 'closed' in spec ? spec.closed : 'false';
  const { rows } = await db.raw<{ rows: AttachmentRow[] }>(
    `INSERT INTO attachments (id, agency_id, ${spec.column}, kind, caption, file_name, content_type, size, sha256,
       width, height, taken_at, object_key, thumbnail_key, created_by, idempotency_key)
     SELECT :id, :agencyId, :recordId, :kind, :caption, :fileName, :contentType, :size, :sha256, :width, :height,
       :takenAt, :objectKey, :thumbnailKey, :createdBy, :idempotencyKey
      WHERE NOT EXISTS (SELECT 1 FROM ${spec.table} r WHERE r.id = :recordId AND (${closed}))
     ON CONFLICT (created_by, idempotency_key) DO NOTHING
     RETURNING *`,
    {
      id: a.id,
      agencyId: a.agencyId,
      recordId: a.record.id,
      kind: a.kind,
      caption: a.caption,
      fileName: a.fileName,
      contentType: a.contentType,
      size: a.size,
      sha256: a.sha256,
      width: a.width,
      height: a.height,
      takenAt: a.takenAt,
      objectKey: a.objectKey,
      thumbnailKey: a.thumbnailKey,
      createdBy: a.createdBy,
      idempotencyKey: a.idempotencyKey,
    },
  );
  return rows[0];
}

export async function byIdempotencyKey(db: Queryable, userId: string, key: string) {
  return (await db('attachments').where({ created_by: userId, idempotency_key: key }).first()) as
    AttachmentRow | undefined;
}

/** A record's attachments that are not retracted, oldest first. */
export async function listAttachments(db: Queryable, kind: RecordKind, recordId: string) {
  return (await db('attachments')
    .where(ATTACHABLE[kind].column, recordId)
    .whereNull('retracted_at')
    .orderBy([{ column: 'created_at' }, { column: 'id' }])) as AttachmentRow[];
}

/** One attachment whose record is in the caller's scope. */
export async function attachmentInScope(db: Queryable, id: string, scope: Scope) {
  const [row] = await applyScope(db('attachments as a'), 'a.agency_id', scope).where('a.id', id).select('a.*');
  return row as AttachmentRow | undefined;
}

/** Retracts an attachment not retracted yet, unless its record has closed (a verified destruction): one statement. */
export async function retractAttachment(db: Queryable, row: AttachmentRow, by: string, reason: string) {
  const { kind, id } = recordOf(row);
  const spec = ATTACHABLE[kind];
  const closed = 'closed' in spec ? spec.closed : 'false';
  const { rows } = await db.raw<{ rows: AttachmentRow[] }>(
    `UPDATE attachments SET retracted_at = now(), retracted_by = :by, retract_reason = :reason
      WHERE id = :id AND retracted_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM ${spec.table} r WHERE r.id = :recordId AND (${closed}))
     RETURNING *`,
    { id: row.id, by, reason, recordId: id },
  );
  return rows[0];
}

/** Keys in storage that no attachment row names (the sweeper's test, for a batch of candidates). */
export async function unreferencedKeys(db: Queryable, keys: string[]): Promise<string[]> {
  if (!keys.length) return [];
  const { rows } = await db.raw<{ rows: { key: string }[] }>(
    `SELECT k.key FROM unnest(?::text[]) AS k(key)
      WHERE NOT EXISTS (SELECT 1 FROM attachments a WHERE a.object_key = k.key OR a.thumbnail_key = k.key)`,
    [keys],
  );
  return rows.map((row) => row.key);
}
