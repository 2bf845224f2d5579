import Type from 'typebox';
import type { Api } from '../http/api.ts';
import { IdParams, Page, PageQuery } from '../shared/schemas.ts';
import { Delivery, Webhook, WebhookCreate, WebhookCreated, WebhookQuery } from './schemas.ts';
import type { WebhookService } from './service.ts';

const admins = ['admin'] as const;

export function webhookRoutes(api: Api, webhooks: WebhookService): void {
  api.add({
    method: 'post',
    path: '/webhooks',
    tag: 'Webhooks',
    roles: admins,
    body: WebhookCreate,
    summary: 'Register a webhook for an agency’s events; the signing secret is in this answer only',
    description:
      'The URL must be http: or https:, and its host must not resolve to a loopback, private or link-local address ' +
      '(unless the server runs with WEBHOOK_ALLOW_PRIVATE_NETWORKS=true); the host is checked again before every delivery.',
    bodyExample: {
      agencyId: '3f6c2a9e-8b1d-4c7e-9a53-2d0f7b6e1c48',
      url: 'https://cases.pnc.gob.sv/hooks/rastreo',
      events: ['trace.status_changed', 'alert.created'],
      description: 'Case system of the DAE',
    },
    location: (body: { id: string }) => `/webhooks/${body.id}`,
    responses: { 201: { description: 'Registered', schema: WebhookCreated } },
    handler: async ({ db, ctx, body }) => ({ status: 201, body: await webhooks.create(db, ctx, body) }),
  });
  api.add({
    method: 'get',
    path: '/webhooks',
    tag: 'Webhooks',
    roles: admins,
    query: WebhookQuery,
    summary: 'Registered webhooks, newest first',
    responses: { 200: { description: 'A page of webhooks', schema: Page(Webhook) } },
    handler: async ({ db, query }) => ({ status: 200, body: await webhooks.list(db, query) }),
  });
  api.add({
    method: 'get',
    path: '/webhooks/:id',
    tag: 'Webhooks',
    roles: admins,
    params: IdParams,
    summary: 'One webhook (never its secret)',
    responses: { 200: { description: 'The webhook', schema: Webhook } },
    handler: async ({ db, params }) => ({ status: 200, body: await webhooks.get(db, params.id) }),
  });
  api.add({
    method: 'delete',
    path: '/webhooks/:id',
    tag: 'Webhooks',
    roles: admins,
    params: IdParams,
    summary: 'Stop sending events to a webhook (its log stays)',
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ db, ctx, params }) => {
      await webhooks.remove(db, ctx, params.id);
      return { status: 204 };
    },
  });
  api.add({
    method: 'post',
    path: '/webhooks/:id/test',
    tag: 'Webhooks',
    roles: admins,
    params: IdParams,
    summary: 'Send a `ping` event to this webhook',
    responses: {
      202: {
        description: 'Queued; see the delivery log',
        schema: Type.Object({ eventId: Type.String() }, { additionalProperties: false }),
      },
    },
    handler: async ({ db, params }) => ({ status: 202, body: await webhooks.test(db, params.id) }),
  });
  api.add({
    method: 'get',
    path: '/webhooks/:id/deliveries',
    tag: 'Webhooks',
    roles: admins,
    params: IdParams,
    query: Type.Object(PageQuery, { additionalProperties: false }),
    summary: 'The delivery log of a webhook, newest event first',
    responses: { 200: { description: 'A page of deliveries', schema: Page(Delivery) } },
    handler: async ({ db, params, query }) => ({
      status: 200,
      body: await webhooks.deliveries(db, params.id, query.limit ?? 50, query.cursor),
    }),
  });
}
