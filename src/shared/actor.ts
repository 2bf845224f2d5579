import Type, { type Static } from 'typebox';

export const ROLES = ['investigator', 'advisor', 'stockpile_manager', 'admin'] as const;
export const RoleSchema = Type.Enum(ROLES);
export type Role = Static<typeof RoleSchema>;

export interface ActorAgency {
  id: string;
  code: string;
  name: string;
  country: string;
  region: string;
}

export interface Actor {
  id: string;
  name: string;
  email: string;
  role: Role;
  agency: ActorAgency;
}

export type Scope = { kind: 'all' } | { kind: 'agency'; agencyId: string } | { kind: 'region'; region: string };

/** What the actor may read: admins everything, advisors their region, everyone else their own agency. */
export function readScope(actor: Actor): Scope {
  if (actor.role === 'admin') return { kind: 'all' };
  if (actor.role === 'advisor') return { kind: 'region', region: actor.agency.region };
  return { kind: 'agency', agencyId: actor.agency.id };
}

/** Who reads trafficking intelligence (indicators and their alerts): everyone but stockpile managers. */
export const seesIntelligence = (actor: Actor) => actor.role !== 'stockpile_manager';

/** Who reads the stockpile (items in custody, their history). */
export const STOCKPILE_READERS = ['stockpile_manager', 'advisor', 'admin'] as const satisfies readonly Role[];

/** Who reads destruction events (the /destructions routes, and their events on the live stream). */
export const DESTRUCTION_READERS = ['stockpile_manager', 'advisor', 'admin'] as const satisfies readonly Role[];
export const seesDestructions = (actor: Actor) => (DESTRUCTION_READERS as readonly Role[]).includes(actor.role);

/** Stockpile managers see cases and traces without possessor and purchaser data. */
export const seesPersonalData = (actor: Actor) => actor.role !== 'stockpile_manager';

export interface RequestContext {
  actor: Actor;
  requestId: string;
  ip: string | null;
  /** The language the caller reads, for text the API words (alert reasons); English when not from a request. */
  language?: 'en' | 'es';
}
