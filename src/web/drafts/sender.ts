import type { Trace } from '../../traces/schemas.ts';
import { ApiProblem, request } from '../api/client.ts';
import { traceBodyOf, type TraceFormState } from '../traces/trace-form-model.ts';
import { deleteDraft, draftsOf, loadDraft, refuseDraft } from './vault.ts';

/** A trace draft's content: the form as typed, and whether it was to be submitted or kept as a server draft. */
export interface TraceDraftContent {
  form: TraceFormState;
  submit: boolean;
}

/**
 * Sends a person's pending drafts, oldest first, each with the `Idempotency-Key` it was given when made: a send cut off
 * after the server committed is answered, next time, with the same trace. One tab sends at a time (a Web Lock), so two
 * open tabs never race each other; the server's key makes even that harmless. Stops at the first network failure (the
 * link went again); a refusal (400, 409) stays on the draft for the person to fix.
 */
export async function sendDrafts(userId: string): Promise<Trace[]> {
  if (!navigator.onLine) return [];
  const oneTabAtATime = <T>(work: () => Promise<T>) =>
    navigator.locks ? navigator.locks.request('rastreo-drafts', work) : work();
  return oneTabAtATime(async () => {
    const sent: Trace[] = [];
    for (const { id, state } of await draftsOf(userId)) {
      if (state !== 'pending') continue;
      const draft = await loadDraft<TraceDraftContent>(id);
      if (!draft) continue;
      try {
        const trace = await request<Trace>('/traces', {
          method: 'POST',
          idempotencyKey: draft.id,
          body: { ...traceBodyOf(draft.content.form), ...(draft.content.submit ? {} : { draft: true }) },
        });
        await deleteDraft(draft.id);
        sent.push(trace);
      } catch (error) {
        if (!(error instanceof ApiProblem) || error.status === 0 || error.status === 401 || error.status >= 500) break;
        await refuseDraft(draft.id, {
          errors: error.errors,
          problem: { status: error.status, kind: error.kind, body: error.body },
        });
      }
    }
    return sent;
  });
}
