import Type, { type Static } from 'typebox';
import { DateInput, DateOnly, Nullable, Text, Uuid } from '../shared/fields.ts';
import { component, PageQuery, RecordStamps } from '../shared/schemas.ts';
import { Weapon } from '../weapons/schemas.ts';

export const OFFENSES = [
  'homicide',
  'attempted_homicide',
  'assault',
  'robbery',
  'extortion',
  'drug_trafficking',
  'arms_trafficking',
  'illegal_possession',
  'found_firearm',
  'other',
] as const;
export const Offense = Type.Enum(OFFENSES);
export const CaseStatus = Type.Enum(['open', 'closed']);

export const CaseCreate = Type.Object(
  { caseNumber: Text(64), title: Text(300), offense: Offense, openedAt: Type.Optional(DateInput()) },
  { ...component('CaseCreate'), additionalProperties: false },
);
export type CaseCreate = Static<typeof CaseCreate>;
export const CasePatch = Type.Object(
  { title: Type.Optional(Text(300)), status: Type.Optional(CaseStatus) },
  { ...component('CasePatch'), additionalProperties: false, minProperties: 1 },
);
export type CasePatch = Static<typeof CasePatch>;
export const CaseQuery = Type.Object(
  { status: Type.Optional(CaseStatus), q: Type.Optional(Text(100)), ...PageQuery },
  { additionalProperties: false },
);
export type CaseQuery = Static<typeof CaseQuery>;

export const Case = Type.Object(
  {
    id: Uuid,
    agencyId: Uuid,
    caseNumber: Type.String(),
    title: Type.String(),
    offense: Offense,
    status: CaseStatus,
    openedAt: DateOnly,
    ...RecordStamps,
  },
  component('Case', { versioned: true }),
);
export type Case = Static<typeof Case>;
export const CaseTrace = Type.Object(
  {
    id: Uuid,
    reference: Type.String(),
    weaponId: Uuid,
    status: Type.String({ description: 'A trace status', example: 'completed' }),
    outcome: Nullable(Type.String({ description: 'A trace outcome', example: 'purchaser_identified' })),
    recoveryDate: DateOnly,
  },
  component('CaseTrace'),
);
export const CaseDetail = Type.Object(
  {
    ...Case.properties,
    weapons: Type.Array(Weapon, {
      description: 'The 50 most recent weapons linked to the case; `GET /weapons?caseId=` pages them all',
    }),
    weaponsTotal: Type.Integer({ minimum: 0, description: 'How many weapons the case has in all' }),
    traces: Type.Array(CaseTrace, {
      description: 'The 50 most recent traces of the case; `GET /traces?caseId=` pages them all',
    }),
    tracesTotal: Type.Integer({ minimum: 0, description: 'How many traces the case has in all' }),
  },
  component('CaseDetail', { versioned: true }),
);
export type CaseDetail = Static<typeof CaseDetail>;
