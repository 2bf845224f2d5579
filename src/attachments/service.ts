import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Readable } from 'node:stream';
import { apiAuditActor, audit, writeAudits } from '../db/audit-log.ts';
import type { Queryable } from '../db/knex.ts';
import { bodyValidator } from '../http/validation.ts';
import type { ObjectStore } from '../platform/object-store.ts';
import { readScope, type RequestContext } from '../shared/actor.ts';
import { conflict, forbidden, notFound, Problem } from '../shared/problem.ts';
import { contentTypeOf, describeImage } from './content.ts';
import { receiveUpload, type Received } from './intake.ts';
import { ATTACHABLE, type RecordKind } from './rules.ts';
import * as repo from './repository.ts';
import { AttachmentFields, type Attachment, type AttachmentKind } from './schemas.ts';
import { buffer } from 'node:stream/consumers';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** Storage that cannot be reached is a 503 with `Retry-After` (as the database or Redis away), not a bug. */
async function inStorage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const problem = new Problem(
      503,
      'unavailable',
      'Attachment storage cannot be reached; try again shortly.',
      {},
      {
        'Retry-After': '30',
      },
    );
    problem.cause = error;
    throw problem;
  }
}
const checkFields = bodyValidator(AttachmentFields);

/** A file the uploader's device named: kept as a label (shown, never used as a path), without control characters. */
const labelOf = (name: string | null) => {
  const clean = name
    ?.replace(/\p{Cc}/gu, '')
    .replace(/[\\/]/g, '_')
    .trim()
    .slice(0, 255)
    .replace(/\p{Cs}/gu, '\ufffd');
  return clean || null;
};

export interface AttachmentSettings {
  store: ObjectStore;
  maxBytes: number;
  /** Where uploads are received before they are checked and stored (default: the system's temporary directory). */
  tempDir?: string;
}

/** Evidence photographs and documents: received as a stream, checked by content, kept byte for byte, never deleted. */
export class AttachmentService {
  constructor(private readonly settings: AttachmentSettings) {}

  /** The record, if the caller may attach to it: 404 outside their agency, 409 once it has closed. */
  private async writableRecord(db: Queryable, ctx: RequestContext, kind: RecordKind, id: string) {
    const spec = ATTACHABLE[kind];
    if (!(spec.writers as readonly string[]).includes(ctx.actor.role)) throw forbidden();
    const record = await repo.findRecord(db, kind, id, { kind: 'agency', agencyId: ctx.actor.agency.id });
    if (!record) throw notFound(spec.what);
    if (record.closed) throw closed(spec.what);
    return record;
  }

  async upload(db: Queryable, ctx: RequestContext, kind: RecordKind, recordId: string, req: Request, res: Response) {
    const key = req.get('idempotency-key');
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key))
      throw new Problem(400, 'validation', 'The Idempotency-Key is not valid.', {
        errors: [{ path: '/header/Idempotency-Key', message: 'must be 1–255 visible ASCII characters' }],
      });
    const record = await this.writableRecord(db, ctx, kind, recordId);
    const received = await receiveUpload(req, res, this.settings.maxBytes, this.settings.tempDir);
    try {
      return await this.keep(db, ctx, { kind, id: recordId }, record.agency_id, received, key ?? null);
    } finally {
      await received.discard();
    }
  }

  private async keep(
    db: Queryable,
    ctx: RequestContext,
    record: { kind: RecordKind; id: string },
    agencyId: string,
    received: Received,
    key: string | null,
  ): Promise<{ attachment: Attachment; replayed: boolean }> {
    const fields = { ...received.fields };
    checkFields(fields);
    const { kind, caption } = fields as AttachmentFields;
    // The same upload sent again (the answer was lost on a slow link): the attachment it made, once.
    if (key) {
      const earlier = await repo.byIdempotencyKey(db, ctx.actor.id, key);
      if (earlier) return { attachment: replayOf(earlier, record, received.sha256), replayed: true };
    }
    const contentType = await contentTypeOf(received.path);
    const image = contentType === 'application/pdf' ? null : await describeImage(received.path, contentType);
    const id = randomUUID();
    const objectKey = `originals/${id}`;
    const thumbnailKey = image?.thumbnail ? `thumbnails/${id}` : null;
    const { store } = this.settings;
    await inStorage(() =>
      store.put(objectKey, received.path, { size: received.size, sha256: received.sha256, contentType }),
    );
    const stored = [objectKey];
    try {
      if (thumbnailKey && image?.thumbnail) {
        const thumbnail = image.thumbnail;
        await inStorage(() => store.putBytes(thumbnailKey, thumbnail, 'image/jpeg'));
        stored.push(thumbnailKey);
      }
      const row = await db.transaction(async (trx) => {
        await repo.holdRecord(trx, record.kind, record.id);
        const inserted = await repo.insertAttachment(trx, {
          id,
          agencyId,
          record,
          kind,
          caption: caption ?? null,
          fileName: labelOf(received.fileName),
          contentType,
          size: received.size,
          sha256: received.sha256,
          width: image?.width ?? null,
          height: image?.height ?? null,
          takenAt: image?.takenAt ?? null,
          objectKey,
          thumbnailKey,
          createdBy: ctx.actor.id,
          idempotencyKey: key,
        });
        if (inserted)
          await audit(trx, ctx, {
            action: 'attachment.created',
            entity: 'attachment',
            entityId: id,
            details: { record: record.kind, recordId: record.id, kind, size: received.size, sha256: received.sha256 },
          });
        return inserted;
      });
      if (row) return { attachment: repo.attachmentOf(row), replayed: false };
      // Nothing inserted: the same key won a race meanwhile, or the record closed under the upload.
      await Promise.all(stored.map((stale) => store.delete(stale)));
      const earlier = key ? await repo.byIdempotencyKey(db, ctx.actor.id, key) : undefined;
      if (earlier) return { attachment: replayOf(earlier, record, received.sha256), replayed: true };
      throw closed(ATTACHABLE[record.kind].what);
    } catch (error) {
      // No row, no object: what was stored for it goes (the sweeper removes what a crash here leaves behind).
      await Promise.all(stored.map((stale) => store.delete(stale).catch(() => undefined)));
      throw error;
    }
  }

  async list(db: Queryable, ctx: RequestContext, kind: RecordKind, recordId: string) {
    const spec = ATTACHABLE[kind];
    if (!(spec.readers as readonly string[]).includes(ctx.actor.role)) throw forbidden();
    if (!(await repo.findRecord(db, kind, recordId, readScope(ctx.actor)))) throw notFound(spec.what);
    return { items: (await repo.listAttachments(db, kind, recordId)).map(repo.attachmentOf) };
  }

  /** One attachment whose record the caller may read (404 otherwise, as for an unknown id). */
  private async readable(db: Queryable, ctx: RequestContext, id: string) {
    const row = await repo.attachmentInScope(db, id, readScope(ctx.actor));
    const readers = row ? (ATTACHABLE[repo.recordOf(row).kind].readers as readonly string[]) : [];
    if (!row || !readers.includes(ctx.actor.role)) throw notFound('Attachment');
    return row;
  }

  async get(db: Queryable, ctx: RequestContext, id: string) {
    return repo.attachmentOf(await this.readable(db, ctx, id));
  }

  /** The original, byte for byte, or its thumbnail; every read is audited. */
  async content(
    db: Queryable,
    ctx: RequestContext,
    id: string,
    representation: 'original' | 'thumbnail',
  ): Promise<{ row: repo.AttachmentRow; bytes: Readable }> {
    const row = await this.readable(db, ctx, id);
    const key = representation === 'original' ? row.object_key : row.thumbnail_key;
    if (!key)
      throw new Problem(
        404,
        'not-found',
        'This attachment has no thumbnail (a PDF document, or a HEIC photograph this server cannot decode).',
      );
    const bytes = await inStorage(() => this.settings.store.get(key));
    if (!bytes) throw new Error(`attachment ${row.id}: object ${key} is missing from storage`);
    await audit(db, ctx, {
      action: 'attachment.read',
      entity: 'attachment',
      entityId: row.id,
      details: { representation, ...recordDetails(row) },
    });
    return { row, bytes };
  }

  /**
   * The photographs of a record as a document prints them (a destruction's certificate, for a caller who may read it):
   * previews of the given kinds, oldest first, at most `limit`; each read audited as `attachment.read` (`certificate`).
   */
  async printable<K extends AttachmentKind>(
    db: Queryable,
    ctx: RequestContext,
    record: RecordKind,
    id: string,
    kinds: readonly K[],
    limit = 12,
  ) {
    const rows = (await repo.listAttachments(db, record, id))
      .filter((row) => row.thumbnail_key && (kinds as readonly string[]).includes(row.kind))
      .slice(0, limit);
    const photos = await Promise.all(
      rows.map(async (row) => {
        const bytes = await inStorage(() => this.settings.store.get(row.thumbnail_key!));
        if (!bytes) throw new Error(`attachment ${row.id}: object ${row.thumbnail_key} is missing from storage`);
        return {
          kind: row.kind as K,
          caption: row.caption,
          takenAt: row.taken_at?.toISOString() ?? null,
          jpeg: await buffer(bytes),
        };
      }),
    );
    await writeAudits(
      db,
      apiAuditActor(ctx),
      rows.map((row) => ({
        action: 'attachment.read',
        entity: 'attachment',
        entityId: row.id,
        details: { representation: 'certificate', ...recordDetails(row) },
      })),
    );
    return photos;
  }

  async retract(db: Queryable, ctx: RequestContext, id: string, reason: string) {
    const row = await this.readable(db, ctx, id);
    const { kind } = repo.recordOf(row);
    const spec = ATTACHABLE[kind];
    if (!(spec.writers as readonly string[]).includes(ctx.actor.role)) throw forbidden();
    if (row.agency_id !== ctx.actor.agency.id)
      throw forbidden('Only the record’s own agency retracts its attachments.');
    if (row.retracted_at) throw conflict('already-retracted', 'This attachment was already retracted.');
    return db.transaction(async (trx) => {
      await repo.holdRecord(trx, kind, repo.recordOf(row).id);
      const retracted = await repo.retractAttachment(trx, row, ctx.actor.id, reason);
      if (!retracted) {
        const now = await repo.attachmentInScope(trx, id, { kind: 'all' });
        if (now?.retracted_at) throw conflict('already-retracted', 'This attachment was already retracted.');
        throw closed(spec.what);
      }
      await audit(trx, ctx, {
        action: 'attachment.retracted',
        entity: 'attachment',
        entityId: id,
        details: { reason, ...recordDetails(row) },
      });
      return repo.attachmentOf(retracted);
    });
  }
}

const closed = (what: string) =>
  conflict(
    'attachments-closed',
    `${what} takes no more attachments: it was verified, and its evidence closed with it.`,
  );

const recordDetails = (row: repo.AttachmentRow) => {
  const { kind, id } = repo.recordOf(row);
  return { record: kind, recordId: id };
};

/** The attachment an earlier upload with the same key made — if this is the same file for the same record. */
function replayOf(earlier: repo.AttachmentRow, record: { kind: RecordKind; id: string }, sha256: string) {
  const same = repo.recordOf(earlier);
  if (earlier.sha256 !== sha256 || same.kind !== record.kind || same.id !== record.id)
    throw conflict('idempotency-key-reused', 'This Idempotency-Key was already used with a different upload.');
  return repo.attachmentOf(earlier);
}
