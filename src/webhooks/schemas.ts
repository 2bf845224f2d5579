import Type, { type Static } from 'typebox';
import { EVENT_TYPES } from '../events/schemas.ts';
import { Nullable, Text, Timestamp, Uuid } from '../shared/fields.ts';
import { component, PageQuery } from '../shared/schemas.ts';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export const WebhookCreate = Type.Object(
  {
    agencyId: Uuid,
    url: Type.String({
      minLength: 1,
      maxLength: 2000,
      format: 'uri',
      example: 'https://cases.pnc.gob.sv/hooks/rastreo',
    }),
    events: Type.Array(Type.Enum(EVENT_TYPES), { minItems: 1, uniqueItems: true }),
    description: Type.Optional(Text(500)),
  },
  { ...component('WebhookCreate'), additionalProperties: false },
);
export type WebhookCreate = Static<typeof WebhookCreate>;

export const Webhook = Type.Object(
  {
    id: Uuid,
    agencyId: Uuid,
    url: Type.String(),
    events: Type.Array(Type.Enum(EVENT_TYPES)),
    description: Nullable(Type.String()),
    createdBy: Uuid,
    createdAt: Timestamp,
  },
  component('Webhook'),
);
export type Webhook = Static<typeof Webhook>;

export const WebhookCreated = Type.Object(
  {
    ...Webhook.properties,
    secret: Type.String({
      pattern: '^whsec_',
      example: 'whsec_kP2vQx8LrT5mW1nY7cZ3bF6hJ9dA0sE4',
      description: 'Shown once: keep it to verify `Rastreo-Signature`',
    }),
  },
  component('WebhookCreated'),
);

export const WebhookQuery = Type.Object(
  { agencyId: Type.Optional(Uuid), ...PageQuery },
  { additionalProperties: false },
);
export type WebhookQuery = Static<typeof WebhookQuery>;

export const Delivery = Type.Object(
  {
    id: Uuid,
    eventId: Type.String(),
    type: Type.Enum([...EVENT_TYPES, 'ping']),
    attempts: Type.Integer({ minimum: 0 }),
    status: Type.Enum(DELIVERY_STATUSES),
    lastResponseStatus: Nullable(Type.Integer()),
    lastAttemptAt: Nullable(Timestamp),
  },
  component('WebhookDelivery'),
);
export type Delivery = Static<typeof Delivery>;
