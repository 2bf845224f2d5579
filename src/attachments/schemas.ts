import Type, { type Static } from 'typebox';
import { Nullable, Text, Timestamp, Uuid } from '../shared/fields.ts';
import { component } from '../shared/schemas.ts';

/** What an attachment may be, decided by its bytes (never its name or the type its sender claimed). */
export const CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf'] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

export const ATTACHMENT_KINDS = [
  'marking',
  'serial',
  'overall',
  'before_destruction',
  'after_destruction',
  'document',
] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

/** The multipart fields of an upload besides the file, validated once the whole body has arrived. */
export const AttachmentFields = Type.Object(
  { kind: Type.Enum(ATTACHMENT_KINDS), caption: Type.Optional(Text(500)) },
  { additionalProperties: false },
);
export type AttachmentFields = Static<typeof AttachmentFields>;

/** The upload as OpenAPI shows it (`multipart/form-data`). */
export const AttachmentUpload = Type.Object(
  {
    file: Type.String({
      format: 'binary',
      description:
        'The photograph or document: JPEG, PNG, WebP, HEIC or PDF, recognised by its content; at most ATTACHMENT_MAX_BYTES (20 MiB by default)',
    }),
    kind: Type.Enum(ATTACHMENT_KINDS, {
      description: 'What it shows: a marking, the serial, the whole gun, before/after destruction, or a document',
    }),
    caption: Type.Optional(Type.String({ minLength: 1, maxLength: 500, example: 'Serial on the slide, left side' })),
  },
  { ...component('AttachmentUpload'), additionalProperties: false },
);

export const Attachment = Type.Object(
  {
    id: Uuid,
    kind: Type.Enum(ATTACHMENT_KINDS),
    caption: Nullable(Type.String()),
    fileName: Nullable(
      Type.String({ description: 'The name the uploader’s device gave the file: a label, never a path' }),
    ),
    contentType: Type.Enum(CONTENT_TYPES),
    size: Type.Integer({ minimum: 1, description: 'Bytes of the original' }),
    sha256: Type.String({
      pattern: '^[0-9a-f]{64}$',
      description: 'SHA-256 of the original, hex',
      example: '9f2c1e7a5b3d4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60',
    }),
    width: Nullable(Type.Integer({ minimum: 1 })),
    height: Nullable(Type.Integer({ minimum: 1 })),
    takenAt: Nullable(Timestamp),
    hasThumbnail: Type.Boolean({
      description: 'Whether GET /attachments/{id}/thumbnail answers (images this server decodes; not PDF documents)',
    }),
    createdBy: Uuid,
    createdAt: Timestamp,
    retracted: Nullable(
      Type.Object({ at: Timestamp, by: Uuid, reason: Type.String() }, { description: 'Set once retracted' }),
    ),
  },
  component('Attachment'),
);
export type Attachment = Static<typeof Attachment>;

export const AttachmentList = Type.Object(
  { items: Type.Array(Attachment) },
  { ...component('AttachmentList'), description: 'Oldest first; retracted attachments are not listed' },
);

export const RetractBody = Type.Object(
  { reason: Text(2000) },
  { ...component('AttachmentRetraction'), additionalProperties: false },
);
