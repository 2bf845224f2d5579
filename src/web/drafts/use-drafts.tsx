import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../session/session.tsx';
import { useToast } from '../ui/toast.tsx';
import { DRAFT_KINDS, type DraftKind, type OpenedDraft } from './draft-kinds.ts';
import { sendDrafts, type SentDraft } from './sender.ts';
import { draftsAvailable, draftsOf, loadDraft, onDraftsChange } from './vault.ts';

/** Reads the person's drafts now and whenever they change (in any tab); `open` decrypts each. */
function useDeviceDrafts<T>(read: (userId: string) => Promise<T>, none: T): T | undefined {
  const me = useMe();
  const [drafts, setDrafts] = useState<T | undefined>();
  useEffect(() => {
    if (!draftsAvailable()) return setDrafts(none);
    let current = true;
    const refresh = () => void read(me.id).then((found) => current && setDrafts(found));
    refresh();
    const stop = onDraftsChange(refresh);
    return () => {
      current = false;
      stop();
    };
  }, [me.id, read, none]);
  return drafts;
}

const NONE: never[] = [];
async function openedDrafts(userId: string): Promise<OpenedDraft[]> {
  const rows = await draftsOf(userId);
  // A draft this device can no longer open (its key is gone) is left out, not allowed to break the page.
  const opened = await Promise.all(rows.map((row) => loadDraft(row.id).catch(() => undefined)));
  return opened.filter((draft): draft is OpenedDraft => Boolean(draft));
}
const draftCount = async (userId: string) => (await draftsOf(userId)).length;

/** The signed-in person's drafts on this device, opened (decrypted), kept current as they change (in any tab). */
export const useDrafts = () => useDeviceDrafts(openedDrafts, NONE);
/** How many drafts wait on this device (nothing is decrypted to count them). */
export const useDraftCount = () => useDeviceDrafts(draftCount, 0);

/**
 * A draft of this kind kept on the device, opened to fix or finish it (`?draft=` in a form's address): the form as
 * typed, with its key. Another kind's or another person's draft opens nothing.
 */
export function useDeviceDraft<K extends DraftKind>(kind: K, id: string | null) {
  const me = useMe();
  return useQuery({
    queryKey: ['device-draft', kind, id, me.id],
    queryFn: async () => {
      const draft = (await loadDraft(id!)) as OpenedDraft | undefined;
      return draft?.kind === kind && draft.userId === me.id ? (draft as Extract<OpenedDraft, { kind: K }>) : null;
    },
    enabled: Boolean(id) && draftsAvailable(),
    gcTime: 0,
  });
}

/** Where the toast for sent drafts leads: what one made, the list when all are of one kind, else the drafts page. */
function seeSent(sent: SentDraft[]): string {
  const [first] = sent;
  if (sent.length === 1) return DRAFT_KINDS[first!.kind].made(first!.id);
  return sent.every(({ kind }) => kind === first!.kind) ? DRAFT_KINDS[first!.kind].list : '/drafts';
}

/** Sends what waits on the device when the app opens and whenever the link returns, and says what went. */
export function DraftsSender() {
  const { t } = useTranslation();
  const me = useMe();
  const toast = useToast();
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!draftsAvailable()) return;
    const send = () =>
      void sendDrafts(me.id).then(
        async (sent) => {
          if (!sent.length) return;
          toast({
            text: t('drafts.sent', { count: sent.length }),
            link: { to: seeSent(sent), label: t('drafts.seeSent') },
          });
          for (const kind of new Set(sent.map((one) => one.kind)))
            await queryClient.invalidateQueries({ queryKey: [DRAFT_KINDS[kind].queryKey] });
        },
        () => undefined,
      );
    send();
    window.addEventListener('online', send);
    return () => window.removeEventListener('online', send);
  }, [me.id, t, toast, queryClient]);
  return null;
}
