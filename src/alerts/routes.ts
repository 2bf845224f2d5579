import type { Api } from '../http/api.ts';
import { actionRoute, getRoute, listRoute } from '../http/route-kinds.ts';
import { rolesOf } from '../shared/lifecycle.ts';
import { AcknowledgeBody, Alert, AlertCount, AlertQuery, CloseBody } from './schemas.ts';
import type { AlertService } from './service.ts';
import { ALERT_LIFECYCLE } from './transitions.ts';

export function alertRoutes(api: Api, alerts: AlertService): void {
  listRoute(api, {
    path: '/alerts',
    tag: 'Alerts',
    query: AlertQuery,
    item: Alert,
    summary:
      'Alerts that concern the caller: their agency (investigators, stockpile managers), their region (advisors), all (admins); open critical alerts first (not closed: open or acknowledged), then newest',
    answer: 'A page of alerts',
    list: (db, ctx, query) => alerts.list(db, ctx, query),
  });
  api.add({
    method: 'get',
    path: '/alerts/count',
    tag: 'Alerts',
    summary: 'How many alerts the caller sees are open, and how many of those are critical (for the top bar)',
    responses: { 200: { description: 'The counts', schema: AlertCount } },
    handler: async ({ db, ctx }) => ({ status: 200, body: await alerts.count(db, ctx) }),
  });
  getRoute(api, {
    path: '/alerts/:id',
    tag: 'Alerts',
    summary: 'One alert',
    answer: 'The alert',
    schema: Alert,
    get: (db, ctx, id) => alerts.get(db, ctx, id),
  });
  actionRoute(api, {
    path: '/alerts/:id/acknowledge',
    tag: 'Alerts',
    roles: rolesOf(ALERT_LIFECYCLE, 'acknowledge'),
    body: AcknowledgeBody,
    schema: Alert,
    summary: 'Acknowledge an open alert (someone is looking at it); audited',
    answer: 'Acknowledged',
    act: (db, ctx, id, body) => alerts.act(db, ctx, id, 'acknowledge', body.note ?? null),
  });
  actionRoute(api, {
    path: '/alerts/:id/close',
    tag: 'Alerts',
    roles: rolesOf(ALERT_LIFECYCLE, 'close'),
    body: CloseBody,
    schema: Alert,
    summary: 'Close an open or acknowledged alert, saying what was done; audited',
    answer: 'Closed',
    act: (db, ctx, id, body) => alerts.act(db, ctx, id, 'close', body.note),
  });
}
