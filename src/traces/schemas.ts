import { OpenAlerts } from '../alerts/schemas.ts';
import { RegistryMatches } from '../shared/registry-match.ts';
import Type, { type Static } from 'typebox';
import { CountryCode, DateInput, DateOnly, Nullable, Text, Timestamp, Uuid } from '../shared/fields.ts';
import { component, PageQuery, RecordStamps } from '../shared/schemas.ts';
import { RoleSchema } from '../shared/actor.ts';
import { WeaponDescription, WeaponInput } from '../weapons/schemas.ts';

export const TRACE_STATUSES = [
  'draft',
  'pending_review',
  'queued',
  'in_progress',
  'needs_info',
  'completed',
  'not_traceable',
  'failed',
  'cancelled',
] as const;
export const TraceStatus = Type.Enum(TRACE_STATUSES);
export type TraceStatus = Static<typeof TraceStatus>;
export const FINAL_STATUSES: readonly TraceStatus[] = ['completed', 'not_traceable', 'cancelled'];

export const STAGES = ['manufacturer', 'importer', 'dealer', 'purchaser'] as const;
/** A final result's `outcome` (the members of `TraceResult`, which checks the list is theirs). */
export const TRACE_OUTCOMES = [
  'purchaser_identified',
  'dealer_identified',
  'importer_identified',
  'exporter_identified',
  'not_traceable',
] as const;
export const Stage = Type.Enum(STAGES);
export type Stage = Static<typeof Stage>;

export const QualityFlag = Type.Enum(['urgent', 'obliterated_serial', 'missing_importer']);
export type QualityFlag = Static<typeof QualityFlag>;

export const CIRCUMSTANCES = [
  'crime_scene',
  'seizure',
  'search_warrant',
  'traffic_stop',
  'found',
  'surrendered',
  'other',
] as const;

/** The CSV columns of a bulk submission: each header is the JSON path of the field it fills. */
export const BULK_CSV_COLUMNS = [
  'caseId',
  'caseNumber',
  'weapon.manufacturer',
  'weapon.model',
  'weapon.caliber',
  'weapon.type',
  'weapon.serialNumber',
  'weapon.serialObliterated',
  'weapon.importer',
  'weapon.countryOfManufacture',
  'recovery.date',
  'recovery.country',
  'recovery.department',
  'recovery.municipality',
  'recovery.address',
  'recovery.latitude',
  'recovery.longitude',
  'recovery.circumstance',
  'possessor.firstName',
  'possessor.lastName',
  'possessor.dateOfBirth',
  'possessor.nationality',
  'possessor.idNumber',
  'urgent',
  'urgentReason',
  'notes',
  'draft',
] as const;

export const Recovery = Type.Object(
  {
    date: DateInput('Not in the future (UTC)'),
    country: Type.Optional(CountryCode),
    department: Type.Optional(Text(100)),
    municipality: Type.Optional(Text(100)),
    address: Type.Optional(Text(300)),
    latitude: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    longitude: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    circumstance: Type.Enum(CIRCUMSTANCES),
  },
  { ...component('Recovery'), additionalProperties: false },
);

export const Possessor = Type.Object(
  {
    firstName: Text(100),
    lastName: Text(100),
    dateOfBirth: Type.Optional(DateInput()),
    nationality: Type.Optional(CountryCode),
    idNumber: Type.Optional(Text(50)),
  },
  { ...component('Possessor'), additionalProperties: false },
);
export type Possessor = Static<typeof Possessor>;

const UrgentReason = Text(1000);
const Notes = Text(4000);

export const TraceCreate = Type.Object(
  {
    caseId: Uuid,
    weapon: WeaponInput,
    recovery: Recovery,
    possessor: Type.Optional(Possessor),
    urgent: Type.Optional(Type.Boolean()),
    urgentReason: Type.Optional(UrgentReason),
    notes: Type.Optional(Notes),
    draft: Type.Optional(Type.Boolean({ description: 'true: save as draft; otherwise submitted at once' })),
  },
  { ...component('TraceCreate'), additionalProperties: false },
);
export type TraceCreate = Static<typeof TraceCreate>;

export const TracePatch = Type.Object(
  {
    caseId: Type.Optional(Uuid),
    weapon: Type.Optional(WeaponInput),
    recovery: Type.Optional(Recovery),
    possessor: Type.Optional(Nullable(Possessor)),
    urgent: Type.Optional(Type.Boolean()),
    urgentReason: Type.Optional(Nullable(UrgentReason)),
    notes: Type.Optional(Nullable(Notes)),
  },
  {
    ...component('TracePatch'),
    additionalProperties: false,
    minProperties: 1,
    description: 'Top-level fields replace the stored ones; null clears an optional one.',
  },
);
export type TracePatch = Static<typeof TracePatch>;

export const StatusList = Type.String({
  pattern: `^(${TRACE_STATUSES.join('|')})(,(${TRACE_STATUSES.join('|')}))*$`,
  description: 'Comma-separated statuses',
  example: 'pending_review,failed',
});

export const TraceQuery = Type.Object(
  {
    status: Type.Optional(StatusList),
    caseId: Type.Optional(Uuid),
    weaponId: Type.Optional(Uuid),
    urgent: Type.Optional(Type.Boolean()),
    q: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'A trace reference, or the start of a serial number' }),
    ),
    sort: Type.Optional(
      Type.Enum(['-createdAt', 'createdAt'], {
        default: '-createdAt',
        description:
          'By creation: newest first (`-createdAt`, the default) or oldest first; traces created together keep their reference order',
      }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type TraceQuery = Static<typeof TraceQuery>;

export const Outcome = Type.Enum([
  'purchaser_identified',
  'dealer_identified',
  'importer_identified',
  'exporter_identified',
  'not_traceable',
]);
export const NotTraceableReason = Type.Enum([
  'obliterated_serial',
  'pre_1968',
  'no_record',
  'foreign_no_us_record',
  'records_unavailable',
]);
export type NotTraceableReason = Static<typeof NotTraceableReason>;

export const Dealer = Type.Object(
  { name: Type.String(), licenseNumber: Type.String(), city: Type.String(), state: Type.String() },
  { additionalProperties: false, ...component('Dealer') },
);
export const Purchaser = Type.Object(
  {
    firstName: Type.String(),
    lastName: Type.String(),
    dateOfBirth: DateOnly,
    city: Type.String(),
    state: Type.String(),
  },
  {
    additionalProperties: false,
    ...component('Purchaser'),
    description: 'The first retail purchaser; removed for stockpile managers',
  },
);
const Source = {
  sourceCountry: CountryCode,
  sourceState: Type.Optional(Type.String({ description: 'The US state the gun was last traced to' })),
};
const Importer = Type.String({ description: 'The US importer of a foreign-made gun' });

/** What each outcome guarantees: the result is one of these, told apart by `outcome`. */
export const TraceResult = Type.Union(
  [
    Type.Object(
      {
        outcome: Type.Literal('purchaser_identified'),
        importer: Type.Optional(Importer),
        dealer: Dealer,
        purchaser: Type.Optional(Purchaser),
        saleDate: DateOnly,
        timeToCrimeDays: Type.Integer({ description: 'Days from the retail sale to the recovery' }),
        ...Source,
      },
      { additionalProperties: false, ...component('PurchaserIdentifiedResult') },
    ),
    Type.Object(
      {
        outcome: Type.Literal('dealer_identified'),
        importer: Type.Optional(Importer),
        dealer: Dealer,
        saleDate: Type.Optional(DateOnly),
        timeToCrimeDays: Type.Optional(Type.Integer()),
        ...Source,
      },
      { additionalProperties: false, ...component('DealerIdentifiedResult') },
    ),
    Type.Object(
      {
        outcome: Type.Literal('importer_identified'),
        importer: Importer,
        ...Source,
      },
      { additionalProperties: false, ...component('ImporterIdentifiedResult') },
    ),
    Type.Object(
      {
        outcome: Type.Literal('exporter_identified'),
        importer: Type.Optional(Importer),
        dealer: Type.Optional(Dealer),
        ...Source,
      },
      { additionalProperties: false, ...component('ExporterIdentifiedResult') },
    ),
    Type.Object(
      {
        outcome: Type.Literal('not_traceable'),
        reason: NotTraceableReason,
        ...Source,
      },
      { additionalProperties: false, ...component('NotTraceableResult') },
    ),
  ],
  { ...component('TraceResult'), discriminator: { propertyName: 'outcome' } },
);
export type TraceResult = Static<typeof TraceResult>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** TRACE_OUTCOMES names exactly the outcomes of TraceResult, or this does not compile. */
export const TRACE_OUTCOMES_MATCH: Same<TraceResult['outcome'], (typeof TRACE_OUTCOMES)[number]> = true;
type WithoutTimeToCrime<T> = T extends unknown ? Omit<T, 'timeToCrimeDays'> : never;
/** A result as the tracing center gives it: the time-to-crime is ours to compute. */
export type CenterResult = WithoutTimeToCrime<TraceResult>;

export const RecoveryOut = Type.Object(
  {
    date: DateOnly,
    country: Nullable(CountryCode),
    department: Nullable(Type.String()),
    municipality: Nullable(Type.String()),
    address: Nullable(Type.String()),
    latitude: Nullable(Type.Number()),
    longitude: Nullable(Type.Number()),
    circumstance: Type.Enum(CIRCUMSTANCES),
  },
  component('RecoveryOut'),
);

export const Trace = Type.Object(
  {
    id: Uuid,
    reference: Type.String({ pattern: '^TR-\\d{4}-\\d{6,}$', example: 'TR-2026-000042' }),
    agencyId: Uuid,
    caseId: Uuid,
    weaponId: Uuid,
    weapon: WeaponDescription,
    status: TraceStatus,
    stage: Nullable(Stage),
    urgent: Type.Boolean(),
    urgentReason: Nullable(Type.String()),
    qualityFlags: Type.Array(QualityFlag),
    recovery: RecoveryOut,
    possessor: Nullable(
      Type.Object(
        {
          firstName: Type.String(),
          lastName: Type.String(),
          dateOfBirth: Nullable(DateOnly),
          nationality: Nullable(Type.String()),
          idNumber: Nullable(Type.String()),
        },
        {
          ...component('PossessorRecord'),
          description: 'null when none was given, and always null for stockpile managers',
        },
      ),
    ),
    notes: Nullable(Type.String()),
    assignedTo: Nullable(Uuid),
    attempts: Type.Integer({ minimum: 0 }),
    ...RecordStamps,
    submittedAt: Nullable(Timestamp),
    completedAt: Nullable(Timestamp),
    result: Nullable(TraceResult),
    registryMatches: RegistryMatches,
    openAlerts: OpenAlerts,
  },
  component('Trace', { versioned: true }),
);
export type Trace = Static<typeof Trace>;

export const AssignBody = Type.Object(
  { userId: Nullable(Uuid) },
  { ...component('AssignBody'), additionalProperties: false },
);
export const MessageBody = Type.Object(
  { message: Text(2000) },
  { ...component('MessageBody'), additionalProperties: false },
);

/** What a trace event records: a transition's event, or `updated` (a draft edited) and `stage_completed` (by the worker). */
export const TRACE_EVENT_TYPES = [
  'created',
  'updated',
  'submitted',
  'approved',
  'returned',
  'started',
  'stage_completed',
  'completed',
  'not_traceable',
  'needs_info',
  'failed',
  'retried',
  'cancelled',
  'assigned',
  'escalated',
] as const;

export const TraceEvent = Type.Object(
  {
    at: Timestamp,
    type: Type.Enum(TRACE_EVENT_TYPES),
    fromStatus: Nullable(TraceStatus),
    toStatus: TraceStatus,
    stage: Type.Optional(Stage),
    actor: Type.Union([
      Type.Object({ id: Uuid, name: Type.String(), role: RoleSchema }),
      Type.Object({ system: Type.Literal('worker') }),
    ]),
    message: Type.Optional(Type.String()),
    messageCode: Type.Optional(
      Type.String({
        example: 'no_serial_record',
        description:
          'For messages of the tracing center and the worker: a stable code a client words in its own language with ' +
          '`messageParams` (`no_serial_record`: manufacturer, serial, model, caliber; `center_unavailable`: attempts). `message` keeps the English text.',
      }),
    ),
    messageParams: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]))),
  },
  component('TraceEvent'),
);
export type TraceEvent = Static<typeof TraceEvent>;

export const DuplicateProblem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Literal(409),
    detail: Type.String(),
    duplicateOf: Uuid,
  },
  component('DuplicateProblem'),
);
