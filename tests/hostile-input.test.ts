import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import type { AnyRoute } from '../src/http/api.ts';
import { createLogger } from '../src/logger.ts';
import { photo, upload } from './support/uploads.ts';
import {
  createCase,
  createUser,
  intakeItem,
  traceBody,
  unique,
  useWorld,
  type Reply,
  type WorldUser,
} from './support/harness.ts';

/**
 * Every route's every field, from the route registry, against hostile values: nothing answers 5xx, every refusal is
 * problem+json, and a refused request writes nothing. A database of its own, so row counts mean something.
 */
const t = useWorld({ privateDatabase: true });

interface Base {
  as: WorldUser | null;
  params?: Record<string, string>;
  body?: unknown;
  query?: Record<string, string>;
}

const ids = {} as Record<
  | 'caseId'
  | 'weaponId'
  | 'draftId'
  | 'pendingId'
  | 'itemId'
  | 'heldItemId'
  | 'destructionId'
  | 'plannedItemId'
  | 'spareUserId'
  | 'agencyId'
  | 'reportId'
  | 'alertId'
  | 'matchedWeaponId'
  | 'webhookId'
  | 'doomedWebhookId'
  | 'attachmentId'
  | 'stocktakeId'
  | 'itemReference',
  string
>;
let routes: AnyRoute[];
let signInEmail: string;
const PASSWORD = 'una contraseña cualquiera';

beforeAll(async () => {
  // A live stream never ends, and it takes nothing to fuzz but Last-Event-ID (events.test.ts tries hostile ones).
  routes = createApp({ db: t.db, logger: createLogger('silent') }).api.routes.filter((route) => !route.stream);
  ids.caseId = (await createCase(t.client, t.users.investigator.token)).id;
  const inv = t.as('investigator');
  const draft = (await inv.post('/traces', traceBody(ids.caseId, { draft: true }))).body;
  ids.draftId = draft.id;
  ids.weaponId = draft.weaponId;
  ids.pendingId = (
    await inv.post('/traces', traceBody(ids.caseId, { urgent: true, urgentReason: 'Audiencia' }))
  ).body.id;
  const counted = await intakeItem(t.client, t.users.stockpile.token, { storageLocation: 'Bodega del fuzzer' });
  ids.itemId = counted.id;
  ids.itemReference = counted.reference;
  // Opened by a second stockpile manager, so the world's one may close it.
  const opener = await createUser(t.db, t.home.id, 'stockpile_manager');
  ids.stocktakeId = (
    await t.client.as(opener.token).post('/stockpile/stocktakes', { storageLocation: 'Bodega del fuzzer' })
  ).body.id;
  ids.heldItemId = (await intakeItem(t.client, t.users.stockpile.token, { evidenceHold: true })).id;
  ids.plannedItemId = (await intakeItem(t.client, t.users.stockpile.token)).id;
  ids.destructionId = (
    await t.as('stockpile').post('/destructions', {
      plannedFor: '2026-12-20',
      method: 'cutting',
      location: 'Bodega',
      itemIds: [ids.plannedItemId],
    })
  ).body.id;
  ids.spareUserId = (await createUser(t.db, t.home.id, 'investigator')).id;
  ids.agencyId = t.neighbour.id;
  signInEmail = (await createUser(t.db, t.home.id, 'investigator', PASSWORD)).email;
  const stolen = weapon();
  ids.reportId = (
    await inv.post('/stolen-reports', {
      weapon: stolen,
      kind: 'stolen',
      lostOn: '2026-09-01',
      sourceType: 'police_issue',
      circumstances: 'Robada',
    })
  ).body.id;
  const matched = (await inv.post('/traces', traceBody(ids.caseId, { weapon: stolen }))).body;
  ids.alertId = (await t.db('alerts').where({ subject_id: matched.id }).first()).id;
  ids.matchedWeaponId = matched.weaponId;
  const hook = () =>
    t
      .as('admin')
      .post('/webhooks', { agencyId: t.home.id, url: 'http://127.0.0.1:9/hooks', events: ['alert.created'] });
  ids.webhookId = (await hook()).body.id;
  ids.doomedWebhookId = (await hook()).body.id;
  PHOTO = await photo(64, 48);
  ids.attachmentId = (
    await upload(t.client, t.users.investigator.token, `/traces/${ids.pendingId}/attachments`, { bytes: PHOTO })
  ).body.id;
});
let PHOTO: Buffer;

const weapon = () => ({
  manufacturer: 'Glock',
  model: '17',
  caliber: '9mm',
  type: 'pistol',
  serialNumber: unique('FZ'),
  serialObliterated: false,
  importer: 'Glock Inc.',
  countryOfManufacture: 'AT',
});
const recovery = {
  date: '2026-10-01',
  country: 'SV',
  department: 'San Salvador',
  municipality: 'Soyapango',
  address: 'Calle 1',
  latitude: 13.7,
  longitude: -89.2,
  circumstance: 'seizure',
};
const possessor = {
  firstName: 'Juan',
  lastName: 'Pérez',
  dateOfBirth: '1990-05-04',
  nationality: 'SV',
  idNumber: '01234567-8',
};
const fullTrace = () => ({
  caseId: ids.caseId,
  weapon: weapon(),
  recovery,
  possessor,
  urgent: false,
  urgentReason: 'x',
  notes: 'n',
  draft: true,
});

/** A request each route accepts, made by a role it admits: the fuzzer changes one part of it at a time. */
const BASE: Record<string, () => Base> = {
  'POST /sessions': () => ({ as: null, body: { email: signInEmail, password: PASSWORD } }),
  'DELETE /sessions/current': () => ({ as: 'investigator' }),
  'GET /me': () => ({ as: 'investigator' }),
  'POST /agencies': () => ({
    as: 'admin',
    body: { code: unique('FZ-'), name: 'Agencia', country: 'GT', region: 'fuzz', reviewRequired: false },
  }),
  'GET /agencies': () => ({ as: 'advisor', query: { limit: '5' } }),
  'GET /agencies/:id': () => ({ as: 'admin', params: { id: ids.agencyId } }),
  'PATCH /agencies/:id': () => ({
    as: 'admin',
    params: { id: ids.agencyId },
    body: { name: 'Agencia vecina', country: 'SV', region: t.region, reviewRequired: false },
  }),
  'POST /users': () => ({
    as: 'admin',
    body: {
      name: 'Nueva',
      email: `${unique('fz').toLowerCase()}@example.org`,
      role: 'investigator',
      agencyId: ids.agencyId,
      password: 'una-contraseña-larga',
    },
  }),
  'GET /users': () => ({ as: 'admin', query: { agencyId: ids.agencyId, role: 'investigator', limit: '5' } }),
  'GET /users/:id': () => ({ as: 'admin', params: { id: ids.spareUserId } }),
  'PATCH /users/:id': () => ({
    as: 'admin',
    params: { id: ids.spareUserId },
    body: { name: 'Otro nombre', role: 'investigator', password: 'otra-contraseña-larga' },
  }),
  'POST /users/:id/tokens': () => ({ as: 'admin', params: { id: ids.spareUserId } }),
  'DELETE /users/:id': () => ({ as: 'admin', params: { id: ids.spareUserId } }),
  'POST /cases': () => ({
    as: 'investigator',
    body: { caseNumber: unique('FZ-'), title: 'Robo', offense: 'robbery', openedAt: '2026-10-01' },
  }),
  'GET /cases': () => ({ as: 'investigator', query: { status: 'open', q: 'Robo', limit: '5' } }),
  'GET /cases/:id': () => ({ as: 'investigator', params: { id: ids.caseId } }),
  'PATCH /cases/:id': () => ({
    as: 'investigator',
    params: { id: ids.caseId },
    body: { title: 'Homicidio', status: 'open' },
  }),
  'GET /weapons': () => ({ as: 'investigator', query: { serial: 'AB-123', manufacturer: 'Glock', limit: '5' } }),
  'GET /weapons/:id': () => ({ as: 'investigator', params: { id: ids.weaponId } }),
  'GET /weapons/:id/links': () => ({ as: 'investigator', params: { id: ids.matchedWeaponId } }),
  'GET /intelligence/indicators': () => ({
    as: 'advisor',
    query: { kind: 'repeat_purchaser', from: '2026-01-01', to: '2026-11-30', limit: '5' },
  }),
  'POST /traces': () => ({ as: 'investigator', body: fullTrace() }),
  'POST /traces/bulk': () => ({ as: 'investigator', body: [fullTrace()] }),
  'GET /traces': () => ({
    as: 'investigator',
    query: {
      status: 'draft,queued',
      caseId: ids.caseId,
      weaponId: ids.caseId,
      urgent: 'false',
      q: 'TR-2026',
      limit: '5',
    },
  }),
  'GET /traces/:id': () => ({ as: 'investigator', params: { id: ids.draftId } }),
  'GET /traces/:id/events': () => ({ as: 'investigator', params: { id: ids.draftId }, query: { limit: '5' } }),
  'PATCH /traces/:id': () => {
    const { caseId, weapon: w, urgent, notes } = fullTrace();
    return {
      as: 'investigator',
      params: { id: ids.draftId },
      body: { caseId, weapon: w, recovery, possessor, urgent, urgentReason: null, notes },
    };
  },
  'POST /traces/:id/submit': () => ({ as: 'investigator', params: { id: ids.draftId } }),
  'POST /traces/:id/cancel': () => ({ as: 'advisor', params: { id: ids.pendingId }, body: { reason: 'Duplicado' } }),
  'POST /traces/:id/approve': () => ({ as: 'advisor', params: { id: ids.pendingId } }),
  'POST /traces/:id/return': () => ({
    as: 'advisor',
    params: { id: ids.pendingId },
    body: { message: 'Falta el importador' },
  }),
  'POST /traces/:id/retry': () => ({ as: 'advisor', params: { id: ids.pendingId } }),
  'POST /traces/:id/assign': () => ({
    as: 'advisor',
    params: { id: ids.pendingId },
    body: { userId: t.users.advisor.id },
  }),
  'POST /traces/:id/escalate': () => ({
    as: 'advisor',
    params: { id: ids.pendingId },
    body: { reason: 'Audiencia mañana' },
  }),
  'GET /queue': () => ({
    as: 'advisor',
    query: { status: 'pending_review', agencyId: t.home.id, urgent: 'true', assignedTo: 'me', limit: '5' },
  }),
  'GET /queue/summary': () => ({ as: 'advisor' }),
  'POST /stockpile/items': () => ({
    as: 'stockpile',
    body: {
      weapon: weapon(),
      source: 'seized',
      intakeDate: '2026-10-15',
      storageLocation: 'Bodega',
      caseId: ids.caseId,
      evidenceHold: false,
    },
  }),
  'GET /stockpile/items': () => ({
    as: 'stockpile',
    query: { status: 'in_custody', evidenceHold: 'false', limit: '5' },
  }),
  'GET /stockpile/items/:id': () => ({ as: 'stockpile', params: { id: ids.itemId } }),
  'GET /stockpile/items/:id/events': () => ({ as: 'stockpile', params: { id: ids.itemId }, query: { limit: '5' } }),
  'POST /stockpile/items/:id/hold': () => ({
    as: 'stockpile',
    params: { id: ids.itemId },
    body: { reason: 'Orden judicial' },
  }),
  'POST /stockpile/items/:id/release-hold': () => ({
    as: 'stockpile',
    params: { id: ids.heldItemId },
    body: { reason: 'Orden judicial' },
  }),
  'POST /destructions': () => ({
    as: 'stockpile',
    body: { plannedFor: '2026-12-20', method: 'smelting', location: 'Acería', itemIds: [ids.itemId] },
  }),
  'GET /destructions': () => ({ as: 'stockpile', query: { status: 'planned', limit: '5' } }),
  'GET /destructions/:id': () => ({ as: 'stockpile', params: { id: ids.destructionId } }),
  'DELETE /destructions/:id/items/:itemId': () => ({
    as: 'stockpile',
    params: { id: ids.destructionId, itemId: ids.plannedItemId },
  }),
  'POST /destructions/:id/complete': () => ({
    as: 'stockpile',
    params: { id: ids.destructionId },
    body: {
      performedAt: '2026-11-01T10:00:00Z',
      witnesses: [
        { name: 'A', organization: 'B' },
        { name: 'C', organization: 'D' },
      ],
      certificateNumber: 'C-1',
      notes: 'n',
    },
  }),
  'POST /destructions/:id/verify': () => ({
    as: 'advisor',
    params: { id: ids.destructionId },
    body: { notes: 'Visto' },
  }),
  'GET /destructions/:id/certificate': () => ({ as: 'stockpile', params: { id: ids.destructionId } }),
  'GET /stockpile/items/:id/label': () => ({
    as: 'stockpile',
    params: { id: ids.itemId },
    query: { layout: 'a4_2x7' },
  }),
  'POST /stockpile/labels': () => ({ as: 'stockpile', body: { itemIds: [ids.itemId], layout: 'a4_3x8' } }),
  'POST /stockpile/stocktakes': () => ({
    as: 'stockpile',
    body: { storageLocation: unique('Bodega '), note: 'Conteo anual' },
  }),
  'GET /stockpile/stocktakes': () => ({ as: 'advisor', query: { status: 'open', limit: '5' } }),
  'GET /stockpile/stocktakes/:id': () => ({ as: 'stockpile', params: { id: ids.stocktakeId } }),
  'GET /stockpile/stocktakes/:id/lines': () => ({
    as: 'stockpile',
    params: { id: ids.stocktakeId },
    query: { outcome: 'pending', limit: '5' },
  }),
  'POST /stockpile/stocktakes/:id/counts': () => ({
    as: 'stockpile',
    params: { id: ids.stocktakeId },
    body: { itemReference: ids.itemReference, condition: 'ok', note: 'Sin novedad' },
  }),
  'POST /stockpile/stocktakes/:id/close': () => ({
    as: 'stockpile',
    params: { id: ids.stocktakeId },
    body: { note: 'Cierre' },
  }),
  'GET /stockpile/stores': () => ({ as: 'advisor' }),
  'GET /reports/country': () => ({ as: 'advisor', query: { country: 'SV', year: '2026' } }),
  'GET /reports/traces': () => ({
    as: 'advisor',
    query: { from: '2026-01-01', to: '2026-11-30', agencyId: t.home.id, groupBy: 'month' },
  }),
  'POST /stolen-reports': () => ({
    as: 'investigator',
    body: {
      weapon: weapon(),
      kind: 'stolen',
      lostOn: '2026-09-01',
      sourceType: 'agency_stockpile',
      circumstances: 'Faltante en inventario',
      location: { country: 'SV', department: 'San Salvador', municipality: 'Soyapango' },
      policeReportNumber: 'D-1',
    },
  }),
  'GET /stolen-reports': () => ({ as: 'investigator', query: { status: 'active', q: 'LS-2026', limit: '5' } }),
  'GET /stolen-reports/:id': () => ({ as: 'investigator', params: { id: ids.reportId } }),
  'POST /stolen-reports/:id/recovered': () => ({
    as: 'investigator',
    params: { id: ids.reportId },
    body: { note: 'Recuperada' },
  }),
  'POST /stolen-reports/:id/withdraw': () => ({
    as: 'investigator',
    params: { id: ids.reportId },
    body: { reason: 'Error' },
  }),
  'GET /registry/check': () => ({ as: 'stockpile', query: { manufacturer: 'Glock', serial: 'AB-123' } }),
  'POST /traces/:id/attachments': () => ({
    as: 'investigator',
    params: { id: ids.pendingId },
    body: { kind: 'marking', caption: 'Marca del cañón' },
  }),
  'GET /traces/:id/attachments': () => ({ as: 'investigator', params: { id: ids.pendingId } }),
  'POST /stockpile/items/:id/attachments': () => ({
    as: 'stockpile',
    params: { id: ids.itemId },
    body: { kind: 'overall', caption: 'Vista general' },
  }),
  'GET /stockpile/items/:id/attachments': () => ({ as: 'stockpile', params: { id: ids.itemId } }),
  'POST /stolen-reports/:id/attachments': () => ({
    as: 'investigator',
    params: { id: ids.reportId },
    body: { kind: 'document', caption: 'Denuncia' },
  }),
  'GET /stolen-reports/:id/attachments': () => ({ as: 'investigator', params: { id: ids.reportId } }),
  'POST /destructions/:id/attachments': () => ({
    as: 'stockpile',
    params: { id: ids.destructionId },
    body: { kind: 'before_destruction', caption: 'Antes' },
  }),
  'GET /destructions/:id/attachments': () => ({ as: 'stockpile', params: { id: ids.destructionId } }),
  'GET /attachments/:id': () => ({ as: 'investigator', params: { id: ids.attachmentId } }),
  'GET /attachments/:id/content': () => ({ as: 'investigator', params: { id: ids.attachmentId } }),
  'GET /attachments/:id/thumbnail': () => ({ as: 'investigator', params: { id: ids.attachmentId } }),
  'POST /attachments/:id/retract': () => ({
    as: 'investigator',
    params: { id: ids.attachmentId },
    body: { reason: 'Fotografía equivocada' },
  }),
  'GET /alerts': () => ({
    as: 'investigator',
    query: { status: 'open', kind: 'stolen_match', severity: 'warning', limit: '5' },
  }),
  'GET /alerts/count': () => ({ as: 'investigator' }),
  'GET /alerts/:id': () => ({ as: 'investigator', params: { id: ids.alertId } }),
  'POST /alerts/:id/acknowledge': () => ({ as: 'investigator', params: { id: ids.alertId }, body: { note: 'Visto' } }),
  'POST /alerts/:id/close': () => ({ as: 'investigator', params: { id: ids.alertId }, body: { note: 'Resuelto' } }),
  'POST /webhooks': () => ({
    as: 'admin',
    body: {
      agencyId: t.home.id,
      url: 'https://example.org/hooks',
      events: ['trace.status_changed', 'alert.created'],
      description: 'Sistema de casos',
    },
  }),
  'GET /webhooks': () => ({ as: 'admin', query: { agencyId: t.home.id, limit: '5' } }),
  'GET /webhooks/:id': () => ({ as: 'admin', params: { id: ids.webhookId } }),
  'DELETE /webhooks/:id': () => ({ as: 'admin', params: { id: ids.doomedWebhookId } }),
  'POST /webhooks/:id/test': () => ({ as: 'admin', params: { id: ids.webhookId } }),
  'GET /webhooks/:id/deliveries': () => ({ as: 'admin', params: { id: ids.webhookId }, query: { limit: '5' } }),
  'GET /audit': () => ({
    as: 'admin',
    query: {
      entity: 'trace',
      entityId: ids.draftId,
      actorId: t.users.investigator.id,
      action: 'trace.submit',
      outcome: 'success',
      from: '2026-01-01T00:00:00Z',
      to: '2027-01-01T00:00:00Z',
      limit: '5',
    },
  }),
};

const keyOf = (route: AnyRoute) => `${route.method.toUpperCase()} ${route.path}`;

type Schema = { type?: string; properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[]; format?: string };

/** JSON Pointers of every part of a body (objects, arrays and leaves), from its schema. */
function pointers(schema: Schema | undefined, at = ''): { path: string; schema: Schema }[] {
  if (!schema) return [];
  const branch = schema.anyOf?.find((s) => s.type !== 'null') ?? schema;
  const inner =
    branch.type === 'object' && branch.properties
      ? Object.entries(branch.properties).flatMap(([key, s]) => pointers(s, `${at}/${key}`))
      : branch.type === 'array' && branch.items
        ? pointers(branch.items, `${at}/0`)
        : [];
  return [{ path: at, schema: branch }, ...inner];
}

function setAt(value: unknown, path: string, replacement: unknown): unknown {
  if (path === '') return replacement;
  const copy = structuredClone(value) as Record<string, unknown>;
  const keys = path.slice(1).split('/');
  let node: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys.at(-1)!] = replacement;
  return copy;
}

/** Percent-encoding by hand: NUL as %00, and a lone surrogate as the bytes a careless client would send for it. */
const encode = (text: string) =>
  Array.from(text, (c) => (c === '\u0000' ? '%00' : /\p{Cs}/u.test(c) ? '%ED%A0%80' : encodeURIComponent(c))).join('');
const queryString = (query: Record<string, string>) =>
  Object.entries(query)
    .map(([k, v]) => `${encode(k)}=${encode(v)}`)
    .join('&');

/** The parts of a body the fuzzer changes: a multipart upload's fields (its file is bytes, and it has no JSON root). */
const bodyPointers = (route: AnyRoute) =>
  route.upload
    ? pointers(route.upload as Schema).filter(({ path }) => path !== '' && path !== '/file')
    : pointers((route.documentedBody ?? route.body) as Schema);

async function send(route: AnyRoute, base: Base, headers: Record<string, string> = {}): Promise<Reply> {
  let path = route.path;
  for (const [name, value] of Object.entries(base.params ?? {})) path = path.replace(`:${name}`, encode(value));
  const query = base.query ? `?${queryString(base.query)}` : '';
  const client = base.as ? t.as(base.as) : t.client;
  if (route.upload) {
    const fields = Object.fromEntries(
      Object.entries((base.body ?? {}) as Record<string, unknown>).map(([name, value]) => [
        name,
        typeof value === 'string' ? value : (JSON.stringify(value) ?? ''),
      ]),
    );
    return upload(
      t.client,
      base.as ? t.users[base.as].token : '',
      `${path}${query}`,
      { bytes: PHOTO },
      fields,
      headers,
    );
  }
  return client.request(
    route.method.toUpperCase(),
    `${path}${query}`,
    route.body ? (base.body ?? {}) : undefined,
    headers,
  );
}

const TABLES = [
  'agencies',
  'users',
  'api_tokens',
  'cases',
  'weapons',
  'case_weapons',
  'traces',
  'trace_events',
  'trace_outbox',
  'stockpile_items',
  'stockpile_events',
  'destruction_events',
  'idempotency_keys',
  'attachments',
];
const counts = async () =>
  (await t.db.raw(`SELECT ${TABLES.map((name) => `(SELECT count(*) FROM ${name}) AS ${name}`).join(', ')}`)).rows[0];

/** No 5xx; a refusal is problem+json with its field errors as JSON Pointers, and leaves every table as it was. */
async function expectSafe(route: AnyRoute, base: Base, headers?: Record<string, string>) {
  const before = await counts();
  const res = await send(route, base, headers);
  const what = `${keyOf(route)} ${JSON.stringify(base).slice(0, 300)} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
  expect(res.status, what).toBeLessThan(500);
  if (res.status >= 400) {
    expect(res.headers.get('content-type'), what).toContain('application/problem+json');
    expect(res.body, what).toMatchObject({
      type: expect.any(String),
      title: expect.any(String),
      status: res.status,
      detail: expect.any(String),
    });
    for (const error of res.body.errors ?? [])
      expect(error, what).toEqual({ path: expect.any(String), message: expect.any(String) });
    expect(await counts(), what).toEqual(before);
  }
  return res;
}

const NUL = 'Glock\u0000';
const LONE = 'Glock\ud800';

describe('hostile input, from the route registry', () => {
  it('has a valid request for every route, which answers 2xx or a business 409, never 4xx for its shape', async () => {
    expect(routes.map(keyOf).filter((key) => !BASE[key])).toEqual([]);
    for (const route of routes) {
      const res = await send(route, BASE[keyOf(route)]!());
      expect([200, 201, 202, 204, 409], `${keyOf(route)} ${JSON.stringify(res.body)}`).toContain(res.status);
    }
  });

  it('answers 403 to every role a route does not admit, from the route registry, and the refusal writes nothing', async () => {
    const userOf = {
      investigator: 'investigator',
      advisor: 'advisor',
      stockpile_manager: 'stockpile',
      admin: 'admin',
    } as const;
    let checked = 0;
    for (const route of routes) {
      if (!Array.isArray(route.roles)) continue;
      for (const [role, who] of Object.entries(userOf)) {
        if ((route.roles as readonly string[]).includes(role)) continue;
        const res = await expectSafe(route, { ...BASE[keyOf(route)]!(), as: who });
        expect(res.status, `${keyOf(route)} as ${role}`).toBe(403);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('refuses U+0000 and unpaired surrogates in every body field, query parameter and CSV cell with 400 at its path', async () => {
    for (const route of routes) {
      const base = BASE[keyOf(route)]!();
      for (const { path } of bodyPointers(route)) {
        // A multipart field is UTF-8 text: a lone surrogate cannot be sent in one (it arrives as U+FFFD).
        for (const bad of route.upload ? [NUL] : [NUL, LONE]) {
          const res = await expectSafe(route, { ...base, body: setAt(base.body, path, bad) });
          expect(res.status, `${keyOf(route)} ${path}`).toBe(400);
          expect(
            res.body.errors.map((e: { path: string }) => e.path),
            `${keyOf(route)} ${path}`,
          ).toContain(path);
        }
      }
      for (const name of Object.keys((route.query as Schema | undefined)?.properties ?? {})) {
        const res = await expectSafe(route, { ...base, query: { ...base.query, [name]: 'a\u0000b' } });
        expect(res.status, `${keyOf(route)} ?${name}`).toBe(400);
        expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(`/query/${name}`);
      }
      for (const name of Object.keys(base.params ?? {})) {
        expect((await expectSafe(route, { ...base, params: { ...base.params, [name]: '\u0000' } })).status).toBe(404);
      }
    }
    const csv = [
      'caseId,weapon.manufacturer,weapon.model',
      `${ids.caseId},Glock,17`,
      `${ids.caseId},Gl\u0000ock,17`,
    ].join('\n');
    const res = await t.as('investigator').post('/traces/bulk', csv, { 'content-type': 'text/csv' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: '/1/weapon.manufacturer', message: expect.stringContaining('U+0000') }]);
  }, 120_000);

  it('refuses dates before 1900 (and the year 0) in every date field with 400 at its path', async () => {
    let fields = 0;
    for (const route of routes) {
      const base = BASE[keyOf(route)]!();
      for (const { path, schema } of bodyPointers(route)) {
        if (schema.format !== 'date' && schema.format !== 'date-time') continue;
        fields++;
        for (const old of schema.format === 'date'
          ? ['0000-01-01', '1899-12-31']
          : ['0000-01-01T00:00:00Z', '1899-12-31T23:59:59Z']) {
          const res = await expectSafe(route, { ...base, body: setAt(base.body, path, old) });
          // A bulk row stands or fails alone: its errors come in its result, with paths into the row.
          const bulk = Array.isArray(base.body);
          const errors = bulk ? res.body.results[0].errors : res.body.errors;
          expect(res.status, `${keyOf(route)} ${path} ${old}`).toBe(bulk ? 200 : 400);
          expect(errors.map((e: { path: string }) => e.path)).toContain(bulk ? path.replace(/^\/0/, '') : path);
        }
      }
      for (const [name, schema] of Object.entries((route.query as Schema | undefined)?.properties ?? {})) {
        if (schema.format !== 'date' && schema.format !== 'date-time') continue;
        fields++;
        const res = await expectSafe(route, {
          ...base,
          query: { ...base.query, [name]: schema.format === 'date' ? '0000-01-01' : '0000-01-01T00:00:00Z' },
        });
        expect(res.status, `${keyOf(route)} ?${name}`).toBe(400);
      }
    }
    expect(fields).toBeGreaterThanOrEqual(10);
  }, 120_000);

  it('answers every generated hostile value in any field, parameter or header without a 5xx or a partial write', async () => {
    const hostileText = fc.oneof(
      fc.constantFrom(
        NUL,
        LONE,
        '\udc00',
        '\u0000',
        '',
        ' ',
        'x'.repeat(5_000),
        "' OR 1=1 --",
        '%_\\',
        '😀',
        '\u202e',
        'ñ',
        '0000-01-01',
        '1899-12-31',
        '2026-02-30',
        '9999-12-31',
        '-1',
        'NaN',
        '__proto__',
        '<script>alert(1)</script>',
        '00000000-0000-0000-0000-000000000000',
        'W3siYSI6MX1d',
        'WyJcdTAwMDAiXQ',
      ),
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.string({ unit: 'grapheme', maxLength: 30 }),
    );
    // What PostgreSQL cannot store, spliced into otherwise plausible text, so it gets past every other check.
    const unstorable = fc
      .tuple(
        fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
        fc.constantFrom('\u0000', '\ud800', '\udfff'),
        fc.string({ maxLength: 12 }),
      )
      .map(([before, bad, after]) => `${before}${bad}${after}`);
    const hostile = fc.oneof(
      { weight: 4, arbitrary: hostileText },
      { weight: 3, arbitrary: unstorable },
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constant([]),
      fc.constant({}),
      fc.jsonValue({ maxDepth: 3 }),
      fc.array(hostileText, { maxLength: 3 }),
      fc.dictionary(hostileText, hostileText, { maxKeys: 3 }),
    );
    let requests = 0;
    for (const route of routes) {
      const base = BASE[keyOf(route)]!();
      const targets: (
        { kind: 'body'; path: string } | { kind: 'query' | 'param'; name: string } | { kind: 'header' }
      )[] = [
        ...bodyPointers(route).map(({ path }) => ({
          kind: 'body' as const,
          path,
        })),
        ...Object.keys((route.query as Schema | undefined)?.properties ?? {}).map((name) => ({
          kind: 'query' as const,
          name,
        })),
        ...Object.keys(base.params ?? {}).map((name) => ({ kind: 'param' as const, name })),
        ...(route.idempotent || route.upload ? [{ kind: 'header' as const }] : []),
      ];
      if (!targets.length) continue;
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...targets), hostile, async (target, value) => {
          requests++;
          const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
          if (target.kind === 'body') await expectSafe(route, { ...base, body: setAt(base.body, target.path, value) });
          else if (target.kind === 'query')
            await expectSafe(route, { ...base, query: { ...base.query, [target.name]: text } });
          else if (target.kind === 'param')
            await expectSafe(route, { ...base, params: { ...base.params, [target.name]: text || 'x' } });
          // Header values must be ByteStrings without control characters to be sent at all.
          else await expectSafe(route, base, { 'idempotency-key': text.replace(/[^\x20-\xff]/g, '') || ' ' });
        }),
        { seed: 20261130, numRuns: 40 },
      );
    }
    expect(requests).toBeGreaterThan(1_500);
  }, 180_000);
});
