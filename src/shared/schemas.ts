import Type, { type TSchema } from 'typebox';
import { Nullable, Text, Timestamp, Uuid } from './fields.ts';

/**
 * Options that name a schema: the OpenAPI document lists it once under `components.schemas` by that name and refers to
 * it everywhere else, so generated clients have a type to import. Validation ignores the name. `versioned`: the record
 * has a version, and an answer that is one such record carries it as a strong `ETag` (documented from this flag).
 */
export const component = (name: string, options: { versioned?: boolean } = {}) => ({
  'x-component': name,
  ...(options.versioned ? { 'x-versioned': true } : {}),
});

export const Limit = Type.Integer({ minimum: 1, maximum: 200, default: 50 });
export const Cursor = Type.String({ minLength: 1, maxLength: 512, description: 'Opaque; from nextCursor' });
/** Who created a versioned record and when it was created and last changed (spread into its schema). */
export const RecordStamps = { createdBy: Uuid, createdAt: Timestamp, updatedAt: Timestamp };

export const PageQuery = { limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) };

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) });

/** A record that stands in the way of destroying a gun: an active stolen/lost report, a critical alert not closed. */
const BlockingReport = Type.Object({ id: Uuid, reference: Type.String({ example: 'LS-2026-000042' }) });
const BlockingAlert = Type.Object({
  id: Uuid,
  kind: Type.String({ example: 'destroyed_weapon_recovered' }),
  severity: Type.String({ example: 'critical' }),
});

export const ProblemSchema = Type.Object(
  {
    type: Type.String({
      description:
        'What kind of problem: a path (`/problems/<type>`) whose page, in English or Spanish, says what to do',
      example: '/problems/validation',
    }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.String({ description: 'The path of the request this problem answers', example: '/api/v1/traces' }),
    requestId: Type.String({ description: 'The request id, as in X-Request-Id and the logs' }),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
    duplicateOf: Type.Optional(Uuid),
    currentStatus: Type.Optional(
      Type.String({ description: 'On a refused trace action: the status the trace is in', example: 'completed' }),
    ),
    missing: Type.Optional(
      Type.Array(Type.String({ example: 'after_destruction' }), {
        description: 'On /problems/destruction-photos-missing: the photographs still lacking, by attachment kind',
      }),
    ),
    lockedUntil: Type.Optional(
      Type.String({ format: 'date-time', description: 'On /problems/account-locked: when sign-in opens again' }),
    ),
    items: Type.Optional(
      Type.Array(
        Type.Object({
          itemId: Uuid,
          reasons: Type.Array(Type.String({ example: 'evidence_hold' })),
          stolenReports: Type.Optional(
            Type.Array(BlockingReport, { description: 'On `stolen_report`: the active reports of the item’s gun' }),
          ),
          alerts: Type.Optional(
            Type.Array(BlockingAlert, {
              description: 'On `critical_alert`: the critical alerts about the gun not closed',
            }),
          ),
        }),
        { description: 'On /problems/destruction-blocked: each refused item and why' },
      ),
    ),
    alerts: Type.Optional(
      Type.Array(BlockingAlert, {
        description: 'On /problems/critical-alert-open: the critical alerts about the destruction’s guns not closed',
      }),
    ),
  },
  component('Problem'),
);

export const IdParams = Type.Object({ id: Uuid });

/** `{reason}`: why an action was taken (cancel a trace, withdraw a report, …). */
export const ReasonBody = Type.Object(
  { reason: Text(1000) },
  { ...component('ReasonBody'), additionalProperties: false },
);
