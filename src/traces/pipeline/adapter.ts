import type { WeaponDescription } from '../../weapons/schemas.ts';
import type { CenterResult, Stage } from '../schemas.ts';

/** What the tracing center is asked: ids and the weapon, never the possessor. */
export interface TraceRequest {
  traceId: string;
  reference: string;
  weapon: WeaponDescription;
  recoveryDate: string;
  recoveryCountry: string | null;
}

export type StageFacts = Record<string, unknown>;

export type StageOutcome =
  | { kind: 'continue'; facts: StageFacts }
  | { kind: 'final'; status: 'completed' | 'not_traceable'; facts: StageFacts; result: CenterResult }
  | { kind: 'needs_info'; facts: StageFacts; message: string; code?: MessageCode };

/** A message's code and the values it names: what a client words in its own language (the English message stays). */
export interface MessageCode {
  code: string;
  params: Record<string, string | number>;
}

export interface StageContext {
  /** 1 for the first try of this run, 2 after one transient error, … */
  attempt: number;
  previous: Partial<Record<Stage, StageFacts>>;
}

/** The national tracing center, one call per stage. A real adapter implements this and nothing else. */
export interface TraceAdapter {
  runStage(request: TraceRequest, stage: Stage, context: StageContext): Promise<StageOutcome>;
}

/** The center could not answer now (timeout, 5xx); the stage is tried again later. */
export class TransientAdapterError extends Error {}
