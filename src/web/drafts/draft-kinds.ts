import { ApiProblem } from '../api/client.ts';
import { reportBodyOf, type ReportFormState } from '../registry/report-form-model.ts';
import { traceBodyOf, type TraceFormState } from '../traces/trace-form-model.ts';
import type { Draft } from './vault.ts';

/** A trace draft's content: the form as typed, and whether it was to be submitted or kept as a server draft. */
export interface TraceDraftContent {
  form: TraceFormState;
  submit: boolean;
}

/** What each kind of draft keeps: the form it came from, as typed. */
export interface DraftContents {
  trace: TraceDraftContent;
  'stolen-report': ReportFormState;
}
export type DraftKind = keyof DraftContents;
/** An opened (decrypted) draft of any kind: its `kind` tells what its content is. */
export type OpenedDraft = { [K in DraftKind]: Draft<DraftContents[K]> & { kind: K } }[DraftKind];

interface KindSpec<C> {
  /** The collection the draft is created in (`POST`, its id as the `Idempotency-Key`). */
  path: string;
  body(content: C): unknown;
  /** The form that opens the draft to fix it. */
  form(id: string): string;
  /** Where to see what sending made: one of them by its id, or the list of them. */
  made(id: string): string;
  list: string;
  /** The query to refresh once some are sent. */
  queryKey: string;
  /** The gun the draft is about (for the list and its confirmations). */
  weapon(content: C): { manufacturer: string; model: string; serialNumber: string };
}

/** Each kind of draft, in one place: the sender, the drafts page and the forms all read it here. */
export const DRAFT_KINDS: { [K in DraftKind]: KindSpec<DraftContents[K]> } = {
  trace: {
    path: '/traces',
    body: ({ form, submit }) => ({ ...traceBodyOf(form), ...(submit ? {} : { draft: true }) }),
    form: (id) => `/traces/new?draft=${id}`,
    made: (id) => `/traces/${id}`,
    list: '/traces',
    queryKey: 'traces',
    weapon: ({ form }) => form,
  },
  'stolen-report': {
    path: '/stolen-reports',
    body: reportBodyOf,
    form: (id) => `/registry?draft=${id}`,
    made: () => '/registry',
    list: '/registry',
    queryKey: 'stolen-reports',
    weapon: ({ weapon }) => weapon,
  },
};

/** The spec of a draft's own kind (the content and its kind travel together in `OpenedDraft`). */
export const specOf = (draft: OpenedDraft) => DRAFT_KINDS[draft.kind] as KindSpec<OpenedDraft['content']>;

/** The gun a draft is about, as the list shows it: "maker · model · serial". */
export function draftLabel(draft: OpenedDraft): string {
  const { manufacturer, model, serialNumber } = specOf(draft).weapon(draft.content);
  return [manufacturer, model, serialNumber].filter(Boolean).join(' · ') || '—';
}

/**
 * Whether the server refused the draft for a reason the person must fix (its fields, a closed case, a duplicate), as
 * against a failure that sending again later may cure (no link, an expired session, a busy or failing server).
 */
export const isRefusal = (error: unknown): error is ApiProblem =>
  error instanceof ApiProblem && error.status >= 400 && error.status < 500 && ![401, 408, 429].includes(error.status);
