import Type, { type Static } from 'typebox';
import { CountryCode, Nullable, Text, Timestamp, Uuid } from '../shared/fields.ts';
import { component, PageQuery } from '../shared/schemas.ts';
import { RoleSchema } from '../shared/actor.ts';

const AgencyCode = Type.String({ pattern: '^[A-Z0-9][A-Z0-9_-]{1,31}$', example: 'PNC-SV' });
const RegionCode = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$', example: 'central-america' });
const Email = Type.String({ format: 'email', maxLength: 254 });
const Password = Type.String({
  minLength: 12,
  maxLength: 256,
  description: 'At least 12 characters; stored as a scrypt hash',
});

export const AgencySummary = Type.Object(
  { id: Uuid, code: AgencyCode, name: Type.String(), country: CountryCode, region: RegionCode },
  component('AgencySummary'),
);
export const Agency = Type.Object(
  {
    id: Uuid,
    code: AgencyCode,
    name: Type.String(),
    country: CountryCode,
    region: RegionCode,
    reviewRequired: Type.Boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  component('Agency'),
);
export type Agency = Static<typeof Agency>;
export const AgencyCreate = Type.Object(
  {
    code: AgencyCode,
    name: Text(200),
    country: CountryCode,
    region: RegionCode,
    reviewRequired: Type.Optional(Type.Boolean()),
  },
  { ...component('AgencyCreate'), additionalProperties: false },
);
export type AgencyCreate = Static<typeof AgencyCreate>;
export const AgencyPatch = Type.Object(
  {
    name: Type.Optional(Text(200)),
    country: Type.Optional(CountryCode),
    region: Type.Optional(RegionCode),
    reviewRequired: Type.Optional(Type.Boolean()),
  },
  { ...component('AgencyPatch'), additionalProperties: false, minProperties: 1 },
);
export type AgencyPatch = Static<typeof AgencyPatch>;

export const User = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    email: Type.String(),
    role: RoleSchema,
    agencyId: Uuid,
    active: Type.Boolean(),
    hasPassword: Type.Boolean(),
    createdAt: Timestamp,
    deactivatedAt: Nullable(Timestamp),
  },
  component('User'),
);
export type User = Static<typeof User>;
export const UserCreate = Type.Object(
  { name: Text(200), email: Email, role: RoleSchema, agencyId: Uuid, password: Type.Optional(Password) },
  { ...component('UserCreate'), additionalProperties: false },
);
export type UserCreate = Static<typeof UserCreate>;
export const UserPatch = Type.Object(
  { name: Type.Optional(Text(200)), role: Type.Optional(RoleSchema), password: Type.Optional(Password) },
  { ...component('UserPatch'), additionalProperties: false, minProperties: 1 },
);
export type UserPatch = Static<typeof UserPatch>;
export const UserQuery = Type.Object(
  { agencyId: Type.Optional(Uuid), role: Type.Optional(RoleSchema), ...PageQuery },
  { additionalProperties: false },
);
export type UserQuery = Static<typeof UserQuery>;
export const TokenReply = Type.Object(
  { token: Type.String({ description: 'Shown once; keep it secret', example: 'rst_…' }) },
  component('TokenReply'),
);
export const UserCreated = Type.Object({ user: User, token: Type.String() }, component('UserCreated'));
export const Me = Type.Object(
  { id: Uuid, name: Type.String(), email: Type.String(), role: RoleSchema, agency: AgencySummary },
  component('Me'),
);
export type Me = Static<typeof Me>;

export const SessionCreate = Type.Object(
  { email: Type.String({ minLength: 3, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 256 }) },
  { ...component('SessionCreate'), additionalProperties: false },
);
export const Session = Type.Object(
  {
    token: Type.String({
      description: 'rss_…: send as a bearer token; expires 30 minutes after its last use, 12 hours at most',
    }),
    expiresAt: Timestamp,
    user: User,
  },
  component('Session'),
);
