import Type, { type Static } from 'typebox';
import { DateInput, DateOnly, Nullable, PageQuery, Text, Timestamp, Uuid } from '../http/schemas.ts';
import { Weapon } from '../weapons/schemas.ts';

export const OFFENSES = ['homicide', 'attempted_homicide', 'assault', 'robbery', 'extortion', 'drug_trafficking',
  'arms_trafficking', 'illegal_possession', 'found_firearm', 'other'] as const;
export const Offense = Type.Enum(OFFENSES);
export const CaseStatus = Type.Enum(['open', 'closed']);

export const CaseCreate = Type.Object(
  { caseNumber: Text(64), title: Text(300), offense: Offense, openedAt: Type.Optional(DateInput()) },
  { additionalProperties: false },
);
export const CasePatch = Type.Object(
  { title: Type.Optional(Text(300)), status: Type.Optional(CaseStatus) },
  { additionalProperties: false, minProperties: 1 },
);
export const CaseQuery = Type.Object(
  { status: Type.Optional(CaseStatus), q: Type.Optional(Text(100)), ...PageQuery },
  { additionalProperties: false },
);

export const Case = Type.Object({
  id: Uuid,
  agencyId: Uuid,
  caseNumber: Type.String(),
  title: Type.String(),
  offense: Offense,
  status: CaseStatus,
  openedAt: DateOnly,
  createdBy: Uuid,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export const CaseTrace = Type.Object({
  id: Uuid, reference: Type.String(), weaponId: Uuid, status: Type.String(), outcome: Nullable(Type.String()),
  recoveryDate: DateOnly,
});
export const CaseDetail = Type.Object({ ...Case.properties, weapons: Type.Array(Weapon), traces: Type.Array(CaseTrace) });

export type Case = Static<typeof Case>;
export type CaseCreate = Static<typeof CaseCreate>;
export type CasePatch = Static<typeof CasePatch>;
export type CaseQuery = Static<typeof CaseQuery>;
export type CaseDetail = Static<typeof CaseDetail>;
