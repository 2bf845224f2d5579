import Type from 'typebox';
import type { Api } from '../http/api.ts';
import { invalidField } from '../shared/problem.ts';
import { Uuid } from '../shared/fields.ts';
import { IdParams, Page, PageQuery, ReasonBody } from '../shared/schemas.ts';
import { BULK_LIMIT, type TraceBulkImport } from './bulk.ts';
import { parseBulkCsv } from './bulk-csv.ts';
import { rolesFor } from './lifecycle.ts';
import {
  AssignBody,
  BULK_CSV_COLUMNS,
  MessageBody,
  Trace,
  TraceCreate,
  TraceEvent,
  TracePatch,
  TraceQuery,
} from './schemas.ts';
import type { TraceService } from './service.ts';

const EventQuery = Type.Object(PageQuery, { additionalProperties: false });

const TRACE_EXAMPLE = {
  caseId: '3f0c1a52-6b1e-4c7a-9d0e-2a6f1b8c9d10',
  weapon: {
    manufacturer: 'Glock',
    model: '19',
    caliber: '9mm',
    type: 'pistol',
    serialNumber: 'BXK412',
    serialObliterated: false,
    importer: 'Glock Inc.',
    countryOfManufacture: 'AT',
  },
  recovery: {
    date: '2026-10-03',
    country: 'SV',
    department: 'San Salvador',
    municipality: 'Soyapango',
    circumstance: 'crime_scene',
  },
  possessor: { firstName: 'Carlos', lastName: 'Ramírez', dateOfBirth: '1994-02-11', nationality: 'SV' },
  urgent: true,
  urgentReason: 'Suspect detained; hearing in 72 hours',
};

const BulkBody = Type.Array(Type.Unknown(), { minItems: 1, maxItems: BULK_LIMIT });
const BulkResult = Type.Object({
  created: Type.Integer({ minimum: 0 }),
  failed: Type.Integer({ minimum: 0 }),
  results: Type.Array(
    Type.Object({
      index: Type.Integer({ minimum: 0 }),
      traceId: Type.Optional(Uuid),
      reference: Type.Optional(Type.String()),
      errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
      duplicateOf: Type.Optional(Uuid),
    }),
  ),
});

function bulkRows(body: unknown): unknown[] {
  if (typeof body !== 'string') return body as unknown[];
  const rows = parseBulkCsv(body);
  if (!rows.length) throw invalidField('', 'has no rows after the header');
  if (rows.length > BULK_LIMIT)
    throw invalidField('', `has ${rows.length} rows; send at most ${BULK_LIMIT} per request`);
  return rows;
}

export function traceRoutes(api: Api, traces: TraceService, bulk: TraceBulkImport): void {
  api.add({
    method: 'post',
    path: '/traces',
    tag: 'Traces',
    summary: 'Request a trace (submitted at once unless `draft`)',
    description:
      'The weapon is found-or-created by normalized manufacturer and serial and linked to the case. ' +
      'A trace for the same weapon, case and recovery date that is not cancelled is refused with 409 and `duplicateOf`.',
    roles: rolesFor('submit'),
    body: TraceCreate,
    idempotent: 'in-statement',
    bodyExample: TRACE_EXAMPLE,
    location: (body: { id: string }) => `/traces/${body.id}`,
    renderResource: async (db, ctx, id) => ({ status: 201, body: await traces.get(db, ctx, id) }),
    responses: { 201: { description: 'Created', schema: Trace } },
    handler: async ({ db, ctx, body, claim }) => {
      const created = await traces.create(db, ctx, body, claim);
      return created && { status: 201, body: created };
    },
  });
  api.add({
    method: 'post',
    path: '/traces/bulk',
    tag: 'Traces',
    summary: 'Request up to 500 traces at once (JSON array or CSV)',
    description:
      'Each row stands or fails alone: `results[i]` has `traceId` and `reference`, or `errors` with JSON-Pointer ' +
      'paths into that row (and `duplicateOf` for a duplicate). Rows are numbered from 0 (for CSV, the first row after the ' +
      "header). A row may name its case by `caseNumber` (one of the caller's agency's case numbers) instead of `caseId`. " +
      `CSV columns (header row; empty cell = field absent): ${BULK_CSV_COLUMNS.join(', ')}.`,
    roles: rolesFor('submit'),
    body: BulkBody,
    documentedBody: Type.Array(TraceCreate, { minItems: 1, maxItems: BULK_LIMIT }),
    rawBodyTypes: ['text/csv'],
    idempotent: 'in-statement',
    responses: { 200: { description: 'Per-row outcome', schema: BulkResult } },
    handler: async ({ db, ctx, body, claim }) => {
      const result = await bulk.create(db, ctx, bulkRows(body), claim);
      return result && { status: 200, body: result };
    },
  });
  api.add({
    method: 'get',
    path: '/traces',
    tag: 'Traces',
    summary: 'Traces in scope, newest first',
    description:
      'A search (`q`) may be answered by the read replica when one is configured (a few seconds behind at most, and ' +
      'never for a caller who changed something just now); pages without `q` always read the primary.',
    query: TraceQuery,
    reads: (query) => query.q !== undefined,
    responses: { 200: { description: 'A page of traces', schema: Page(Trace) } },
    handler: async ({ db, ctx, query, reader }) => ({ status: 200, body: await traces.list(db, ctx, query, reader) }),
  });
  api.add({
    method: 'get',
    path: '/traces/:id',
    tag: 'Traces',
    summary: 'One trace',
    params: IdParams,
    responses: { 200: { description: 'The trace', schema: Trace } },
    handler: async ({ db, ctx, params }) => ({ status: 200, body: await traces.get(db, ctx, params.id) }),
  });
  api.add({
    method: 'get',
    path: '/traces/:id/events',
    tag: 'Traces',
    summary: 'The trace’s history, oldest first',
    params: IdParams,
    query: EventQuery,
    responses: { 200: { description: 'A page of events', schema: Page(TraceEvent) } },
    handler: async ({ db, ctx, params, query }) => ({
      status: 200,
      body: await traces.events(db, ctx, params.id, query.limit ?? 50, query.cursor),
    }),
  });
  api.add({
    method: 'patch',
    path: '/traces/:id',
    tag: 'Traces',
    summary: 'Edit a draft or a trace returned for more information',
    roles: ['investigator'],
    params: IdParams,
    body: TracePatch,
    conditional: true,
    responses: { 200: { description: 'Updated', schema: Trace } },
    handler: async ({ db, ctx, params, body, precondition }) => ({
      status: 200,
      body: await traces.patch(db, ctx, params.id, body, precondition),
    }),
  });
  api.add({
    method: 'post',
    path: '/traces/:id/submit',
    tag: 'Traces',
    summary: 'Submit a draft or a needs_info trace',
    description:
      'Goes to `pending_review` when the agency requires review or the trace has a quality flag, else to `queued`.',
    roles: rolesFor('submit'),
    params: IdParams,
    conditional: true,
    responses: { 200: { description: 'Submitted', schema: Trace } },
    handler: async ({ db, ctx, params, precondition }) => ({
      status: 200,
      body: await traces.act(db, ctx, params.id, 'submit', { precondition }),
    }),
  });
  api.add({
    method: 'post',
    path: '/traces/:id/cancel',
    tag: 'Traces',
    summary: 'Cancel a trace',
    roles: rolesFor('cancel'),
    params: IdParams,
    body: ReasonBody,
    conditional: true,
    responses: { 200: { description: 'Cancelled', schema: Trace } },
    handler: async ({ db, ctx, params, body, precondition }) => ({
      status: 200,
      body: await traces.act(db, ctx, params.id, 'cancel', { message: body.reason, precondition }),
    }),
  });
  api.add({
    method: 'post',
    path: '/traces/:id/approve',
    tag: 'Review',
    summary: 'Approve a trace pending review (it is queued)',
    roles: rolesFor('approve'),
    params: IdParams,
    conditional: true,
    responses: { 200: { description: 'Approved', schema: Trace } },
    handler: async ({ db, ctx, params, precondition }) => ({
      status: 200,
      body: await traces.act(db, ctx, params.id, 'approve', { precondition }),
    }),
  });
  api.add({
    method: 'post',
    path: '/traces/:id/return',
    tag: 'Review',
    summary: 'Return a trace to the investigator for more information',
    roles: rolesFor('return'),
    params: IdParams,
    conditional: true,
    body: MessageBody,
    responses: { 200: { description: 'Returned (needs_info)', schema: Trace } },
    handler: async ({ db, ctx, params, body, precondition }) => ({
      status: 200,
      body: await traces.act(db, ctx, params.id, 'return', { message: body.message, precondition }),
    }),
  });
  api.add({
    method: 'post',
    path: '/traces/:id/retry',
    tag: 'Review',
    summary: 'Queue a failed trace again',
    roles: rolesFor('retry'),
    params: IdParams,
    conditional: true,
    responses: { 200: { description: 'Queued again', schema: Trace } },
    handler: async ({ db, ctx, params, precondition }) => ({
      status: 200,
      body: await traces.act(db, ctx, params.id, 'retry', { precondition }),
    }),
  });
  api.add({
    method: 'post',
    path: '/traces/:id/assign',
    tag: 'Review',
    summary: 'Assign the trace to an advisor of its region, or unassign it',
    roles: rolesFor('assign'),
    params: IdParams,
    conditional: true,
    body: AssignBody,
    responses: { 200: { description: 'Assigned', schema: Trace } },
    handler: async ({ db, ctx, params, body, precondition }) => ({
      status: 200,
      body: await traces.act(db, ctx, params.id, 'assign', { assignTo: body.userId, precondition }),
    }),
  });
  api.add({
    method: 'post',
    path: '/traces/:id/escalate',
    tag: 'Review',
    summary: 'Make the trace urgent, with a reason',
    description: 'A queued trace moves ahead of routine ones in the worker queue. An urgent trace answers 409.',
    roles: rolesFor('escalate'),
    params: IdParams,
    conditional: true,
    body: ReasonBody,
    responses: { 200: { description: 'Escalated', schema: Trace } },
    handler: async ({ db, ctx, params, body, precondition }) => ({
      status: 200,
      body: await traces.act(db, ctx, params.id, 'escalate', { message: body.reason, precondition }),
    }),
  });
}
