import { ApiProblem, request } from '../api/client.ts';
import { isRefusal, specOf, type DraftKind, type OpenedDraft } from './draft-kinds.ts';
import { deleteDraft, draftsAvailable, draftsOf, loadDraft, refuseDraft, saveDraft, type Draft } from './vault.ts';

/** What sending made: the draft's kind and the id of the record the server created. */
export interface SentDraft {
  kind: DraftKind;
  id: string;
}

const problemOf = (error: { status: number; kind: string; body: Record<string, unknown> }) => ({
  status: error.status,
  kind: error.kind,
  body: error.body,
});

/**
 * Sends a person's pending drafts, oldest first, each with the `Idempotency-Key` it was given when made: a send cut off
 * after the server committed is answered, next time, with the same record. One tab sends at a time (a Web Lock), so
 * two open tabs never race each other; the server's key makes even that harmless. Stops at the first failure that
 * sending later may cure (the link went again); a refusal (400, 409…) stays on the draft for the person to fix.
 */
export async function sendDrafts(userId: string): Promise<SentDraft[]> {
  if (!navigator.onLine) return [];
  const oneTabAtATime = <T>(work: () => Promise<T>) =>
    navigator.locks ? navigator.locks.request('rastreo-drafts', work) : work();
  return oneTabAtATime(async () => {
    const sent: SentDraft[] = [];
    for (const { id, state } of await draftsOf(userId)) {
      if (state !== 'pending') continue;
      const draft = (await loadDraft(id)) as OpenedDraft | undefined;
      if (!draft) continue;
      const spec = specOf(draft);
      try {
        const made = await request<{ id: string }>(spec.path, {
          method: 'POST',
          idempotencyKey: draft.id,
          body: spec.body(draft.content),
        });
        await deleteDraft(draft.id);
        sent.push({ kind: draft.kind, id: made.id });
      } catch (error) {
        if (!isRefusal(error)) break;
        await refuseDraft(draft.id, { errors: error.errors, problem: problemOf(error) });
      }
    }
    return sent;
  });
}

/**
 * Sends a new record from its form, or keeps it on the device. Without a connection — or when the request never
 * reached the server — the form is saved as a pending draft (its id is the request's key, so it still makes one
 * record) and `kept` comes back. A draft opened to fix it (`reopened`) leaves the device once sent, and keeps a new
 * refusal with why; anything else the server answers is the caller's to show.
 */
export async function sendOrKeep<R>(
  draft: Pick<Draft, 'id' | 'userId' | 'kind' | 'createdAt' | 'content'>,
  reopened: boolean,
  send: () => Promise<R>,
): Promise<{ sent: R } | { kept: true }> {
  const keep = async () => {
    await saveDraft({ ...draft, state: 'pending' });
    return { kept: true } as const;
  };
  if (!navigator.onLine && draftsAvailable()) return keep();
  try {
    const sent = await send();
    if (reopened) await deleteDraft(draft.id);
    return { sent };
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 0 && draftsAvailable()) return keep();
    if (reopened && isRefusal(error))
      await saveDraft({ ...draft, state: 'refused', errors: error.errors, problem: problemOf(error) });
    throw error;
  }
}
