import Type from 'typebox';
import type { Api } from '../http/api.ts';
import { actionRoute, getRoute } from '../http/route-kinds.ts';
import { IdParams } from '../shared/schemas.ts';
import { ATTACHABLE, RECORD_KINDS } from './rules.ts';
import { Attachment, AttachmentList, AttachmentUpload, RetractBody } from './schemas.ts';
import type { AttachmentService } from './service.ts';

const Bytes = Type.String({ format: 'binary' });
/** The original comes back in the type it was stored as; a thumbnail is always a JPEG. */
const ORIGINAL = {
  description: 'The original, in the type it was recognised as',
  contentType: 'image/jpeg',
  schema: Bytes,
  alternatives: { 'image/png': Bytes, 'image/webp': Bytes, 'image/heic': Bytes, 'application/pdf': Bytes },
  headers: ['Content-Disposition', 'Repr-Digest'],
};
const THUMBNAIL = {
  description: 'The thumbnail',
  contentType: 'image/jpeg',
  schema: Bytes,
  headers: ['Content-Disposition'],
};

export function attachmentRoutes(api: Api, attachments: AttachmentService, maxBytes: number): void {
  for (const kind of RECORD_KINDS) {
    const spec = ATTACHABLE[kind];
    api.add({
      method: 'post',
      path: `${spec.path}/:id/attachments`,
      tag: 'Attachments',
      summary: `Attach a photograph or document to a ${spec.what.toLowerCase()} of the caller’s agency`,
      description: [
        'Multipart upload, streamed to storage (never held whole in memory). The type is decided by the content: JPEG,',
        `PNG, WebP, HEIC or PDF (415 otherwise); larger than ${maxBytes} bytes (ATTACHMENT_MAX_BYTES) → 413, nothing`,
        'stored; an image that does not decode, or claims more than 100 megapixels → 400. Images get a ≤ 320 px',
        'thumbnail without metadata and `takenAt` from EXIF DateTimeOriginal; the original is kept byte for byte with',
        'its SHA-256. Any status of the record takes attachments',
        kind === 'destruction'
          ? '— except a verified destruction (409: its evidence closed with the verification).'
          : '.',
        'An `Idempotency-Key` makes a retried upload (same file, same record) answer with the attachment it already made.',
      ].join(' '),
      roles: spec.writers,
      params: IdParams,
      upload: AttachmentUpload,
      location: (body: { id: string }) => `/attachments/${body.id}`,
      responses: {
        201: { description: 'Kept', schema: Attachment, headers: ['Idempotent-Replayed'] },
      },
      handler: async ({ db, ctx, params, req, res }) => {
        const { attachment, replayed } = await attachments.upload(db, ctx, kind, params.id, req, res);
        return {
          status: 201,
          body: attachment,
          ...(replayed ? { headers: { 'Idempotent-Replayed': 'true' } } : {}),
        };
      },
    });
    api.add({
      method: 'get',
      path: `${spec.path}/:id/attachments`,
      tag: 'Attachments',
      summary: `The photographs and documents of a ${spec.what.toLowerCase()}, oldest first (retracted ones left out)`,
      roles: spec.readers,
      params: IdParams,
      responses: { 200: { description: 'Its attachments', schema: AttachmentList } },
      handler: async ({ db, ctx, params }) => ({ status: 200, body: await attachments.list(db, ctx, kind, params.id) }),
    });
  }
  getRoute(api, {
    path: '/attachments/:id',
    tag: 'Attachments',
    summary: 'One attachment’s description (whoever may read its record)',
    answer: 'The attachment',
    schema: Attachment,
    get: (db, ctx, id) => attachments.get(db, ctx, id),
  });
  for (const representation of ['original', 'thumbnail'] as const)
    api.add({
      method: 'get',
      path: representation === 'original' ? '/attachments/:id/content' : '/attachments/:id/thumbnail',
      tag: 'Attachments',
      summary:
        representation === 'original'
          ? 'The original, byte for byte, with its stored type (audited as attachment.read)'
          : 'A JPEG at most 320 px on its longer side, without metadata (audited as attachment.read); 404 for PDF documents',
      params: IdParams,
      responses: { 200: representation === 'original' ? ORIGINAL : THUMBNAIL },
      handler: async ({ db, ctx, params }) => {
        const { row, bytes } = await attachments.content(db, ctx, params.id, representation);
        const original = representation === 'original';
        return {
          status: 200,
          body: bytes,
          contentType: original ? row.content_type : 'image/jpeg',
          headers: {
            'Content-Disposition': contentDisposition(row, original),
            ...(original
              ? {
                  'Content-Length': String(row.size),
                  'Repr-Digest': `sha-256=:${Buffer.from(row.sha256, 'hex').toString('base64')}:`,
                }
              : {}),
            'Content-Security-Policy': "default-src 'none'; sandbox",
          },
        };
      },
    });
  actionRoute(api, {
    path: '/attachments/:id/retract',
    tag: 'Attachments',
    roles: [...new Set(RECORD_KINDS.flatMap((kind) => ATTACHABLE[kind].writers))],
    body: RetractBody,
    schema: Attachment,
    summary:
      'Retract an attachment (the record’s own agency, a role that writes it): hidden from lists, kept, audited; never deleted',
    answer: 'Retracted',
    act: (db, ctx, id, body) => attachments.retract(db, ctx, id, body.reason),
  });
}

/** `attachment` for documents, `inline` for images; the device's file name only as a quoted label, never a path. */
function contentDisposition(row: { id: string; file_name: string | null; content_type: string }, original: boolean) {
  const disposition = original && row.content_type === 'application/pdf' ? 'attachment' : 'inline';
  const name = original ? (row.file_name ?? row.id) : `${row.id}-thumbnail.jpg`;
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
