import type { Api } from '../http/api.ts';
import { IdParams, Page } from '../shared/schemas.ts';
import { AcknowledgeBody, Alert, AlertCount, AlertQuery, CloseBody } from './schemas.ts';
import type { AlertService } from './service.ts';
import { ALERT_LIFECYCLE } from './transitions.ts';
import { rolesOf } from '../shared/lifecycle.ts';

export function alertRoutes(api: Api, alerts: AlertService): void {
  api.add({
    method: 'get',
    path: '/alerts',
    tag: 'Alerts',
    query: AlertQuery,
    summary:
      'Alerts that concern the caller: their agency (investigators, stockpile managers), their region (advisors), all (admins); newest first',
    responses: { 200: { description: 'A page of alerts', schema: Page(Alert) } },
    handler: async ({ db, ctx, query }) => ({ status: 200, body: await alerts.list(db, ctx, query) }),
  });
  api.add({
    method: 'get',
    path: '/alerts/count',
    tag: 'Alerts',
    summary: 'How many alerts the caller sees are open, and how many of those are critical (for the top bar)',
    responses: { 200: { description: 'The counts', schema: AlertCount } },
    handler: async ({ db, ctx }) => ({ status: 200, body: await alerts.count(db, ctx) }),
  });
  api.add({
    method: 'get',
    path: '/alerts/:id',
    tag: 'Alerts',
    params: IdParams,
    summary: 'One alert',
    responses: { 200: { description: 'The alert', schema: Alert } },
    handler: async ({ db, ctx, params }) => ({ status: 200, body: await alerts.get(db, ctx, params.id) }),
  });
  api.add({
    method: 'post',
    path: '/alerts/:id/acknowledge',
    tag: 'Alerts',
    roles: rolesOf(ALERT_LIFECYCLE, 'acknowledge'),
    params: IdParams,
    body: AcknowledgeBody,
    summary: 'Acknowledge an open alert (someone is looking at it); audited',
    responses: { 200: { description: 'Acknowledged', schema: Alert } },
    handler: async ({ db, ctx, params, body }) => ({
      status: 200,
      body: await alerts.act(db, ctx, params.id, 'acknowledge', body.note ?? null),
    }),
  });
  api.add({
    method: 'post',
    path: '/alerts/:id/close',
    tag: 'Alerts',
    roles: rolesOf(ALERT_LIFECYCLE, 'close'),
    params: IdParams,
    body: CloseBody,
    summary: 'Close an open or acknowledged alert, saying what was done; audited',
    responses: { 200: { description: 'Closed', schema: Alert } },
    handler: async ({ db, ctx, params, body }) => ({
      status: 200,
      body: await alerts.act(db, ctx, params.id, 'close', body.note),
    }),
  });
}
