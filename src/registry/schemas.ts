import Type, { type Static } from 'typebox';
import { CountryCode, DateInput, DateOnly, Nullable, Text, Timestamp, Uuid } from '../shared/fields.ts';
import { component, PageQuery } from '../shared/schemas.ts';
import { LOSS_KINDS, RegistryMatch, REPORT_STATUSES } from '../shared/registry-match.ts';
import { WeaponDescription, WeaponInput } from '../weapons/schemas.ts';

export { LOSS_KINDS, RegistryMatch, RegistryMatches, REPORT_STATUSES } from '../shared/registry-match.ts';

export const LOSS_SOURCES = ['agency_stockpile', 'police_issue', 'military', 'dealer', 'civilian', 'other'] as const;

const ReportLocation = Type.Object(
  {
    country: CountryCode,
    department: Type.Optional(Text(120)),
    municipality: Type.Optional(Text(120)),
  },
  { ...component('LossLocation'), additionalProperties: false },
);

export const StolenReportCreate = Type.Object(
  {
    weaponId: Type.Optional(
      Type.String({ format: 'uuid', description: 'A weapon already known; or describe it in `weapon`' }),
    ),
    weapon: Type.Optional(WeaponInput),
    kind: Type.Enum(LOSS_KINDS),
    lostOn: DateInput('When it was lost or stolen (not in the future)'),
    sourceType: Type.Enum(LOSS_SOURCES),
    circumstances: Text(2000),
    location: Type.Optional(ReportLocation),
    policeReportNumber: Type.Optional(Text(100)),
  },
  {
    ...component('StolenReportCreate'),
    additionalProperties: false,
    description: 'Exactly one of `weaponId` and `weapon`.',
  },
);
export type StolenReportCreate = Static<typeof StolenReportCreate>;

export const StolenReport = Type.Object(
  {
    id: Uuid,
    reference: Type.String({ pattern: '^LS-\\d{4}-\\d{6,}$', example: 'LS-2026-000007' }),
    agencyId: Uuid,
    weaponId: Uuid,
    weapon: WeaponDescription,
    kind: Type.Enum(LOSS_KINDS),
    lostOn: DateOnly,
    sourceType: Type.Enum(LOSS_SOURCES),
    circumstances: Type.String(),
    location: Nullable(
      Type.Object({ country: CountryCode, department: Nullable(Type.String()), municipality: Nullable(Type.String()) }),
    ),
    policeReportNumber: Nullable(Type.String()),
    status: Type.Enum(REPORT_STATUSES),
    createdBy: Uuid,
    createdAt: Timestamp,
    closedAt: Nullable(Timestamp),
    closingNote: Nullable(Type.String()),
  },
  component('StolenReport'),
);
export type StolenReport = Static<typeof StolenReport>;

export const StolenReportQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(REPORT_STATUSES)),
    q: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'A report reference, or the start of a serial number' }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type StolenReportQuery = Static<typeof StolenReportQuery>;

export const RecoveredBody = Type.Object(
  { note: Type.Optional(Text(2000)) },
  { ...component('RecoveredBody'), additionalProperties: false },
);

export const RegistryCheckQuery = Type.Object(
  {
    manufacturer: Text(120),
    serial: Text(64),
  },
  { additionalProperties: false },
);
export const RegistryCheck = Type.Object({ matches: Type.Array(RegistryMatch) }, component('RegistryCheck'));
