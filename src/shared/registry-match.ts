import Type, { type Static } from 'typebox';
import { CountryCode, DateOnly } from './fields.ts';
import { component } from './schemas.ts';

/**
 * A lost/stolen report as every record of the gun shows it, to anyone (trace, stockpile item, weapon, registry check):
 * shared by those domains, so it sits here rather than in the registry's schemas, which depend on the weapon's.
 */
export const LOSS_KINDS = ['lost', 'stolen'] as const;
export const REPORT_STATUSES = ['active', 'recovered', 'withdrawn'] as const;

/** What anyone may learn of a report in another agency: no person, no circumstances. */
export const RegistryMatch = Type.Object(
  {
    reference: Type.String({ example: 'LS-2026-000007' }),
    kind: Type.Enum(LOSS_KINDS),
    lostOn: DateOnly,
    status: Type.Enum(REPORT_STATUSES),
    agency: Type.Object({ code: Type.String({ example: 'PNC-GT' }), country: CountryCode }),
  },
  { ...component('RegistryMatch'), additionalProperties: false },
);
export type RegistryMatch = Static<typeof RegistryMatch>;
export const RegistryMatches = Type.Array(RegistryMatch, {
  description: 'Active lost/stolen reports of this gun, from any agency',
});
