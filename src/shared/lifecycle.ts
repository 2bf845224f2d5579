import type { Role } from './actor.ts';

/**
 * One step of a stateful record's lifecycle: the statuses it may start from (`null`: the record does not exist yet), the
 * status it leads to, who may take it (`system`: the service itself), and — in words — any rule besides status and role
 * that the service checks (`guard`). Every entity's table is a contract file the web UI reads to offer exactly the
 * actions that would succeed, the services read for their SQL guards, and the lifecycle model tests walk.
 */
export interface Step<S extends string> {
  from: readonly (S | null)[];
  to: S;
  by: readonly (Role | 'system')[];
  guard?: string;
}

export type Lifecycle<S extends string, A extends string> = { states: readonly S[]; steps: Record<A, Step<S>> };

/** A lifecycle table, typed by its own states and steps (each step's `to` keeps its literal type). */
export const lifecycle = <const S extends string, const T extends Record<string, Step<S>>>(table: {
  states: readonly S[];
  steps: T;
}) => table;

/** Whether `role` may take `action` from `status` (the guard aside). */
export const mayTake = <S extends string, A extends string>(
  table: Lifecycle<S, A>,
  action: A,
  status: S | null,
  role: Role | 'system',
) => table.steps[action].by.includes(role) && table.steps[action].from.includes(status);

/** The roles (people, not the system) that may take `action`. */
export const rolesOf = <S extends string, A extends string>(table: Lifecycle<S, A>, action: A): Role[] =>
  table.steps[action].by.filter((r): r is Role => r !== 'system');

/** The statuses `action` starts from, for a statement's guard (`WHERE status = ANY(…)`). */
export const startsFrom = <S extends string, A extends string>(table: Lifecycle<S, A>, action: A): S[] =>
  table.steps[action].from.filter((s): s is S => s !== null);
