import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../session/session.tsx';
import { useToast } from '../ui/toast.tsx';
import { sendDrafts, type TraceDraftContent } from './sender.ts';
import { draftsAvailable, draftsOf, loadDraft, onDraftsChange, type Draft } from './vault.ts';

/** The signed-in person's drafts on this device, opened (decrypted), kept current as they change (in any tab). */
export function useDrafts(): Draft<TraceDraftContent>[] | undefined {
  const me = useMe();
  const [drafts, setDrafts] = useState<Draft<TraceDraftContent>[] | undefined>();
  useEffect(() => {
    if (!draftsAvailable()) return setDrafts([]);
    let current = true;
    const read = async () => {
      const rows = await draftsOf(me.id);
      // A draft this device can no longer open (its key is gone) is left out, not allowed to break the page.
      const opened = await Promise.all(rows.map((row) => loadDraft<TraceDraftContent>(row.id).catch(() => undefined)));
      if (current) setDrafts(opened.filter((draft): draft is Draft<TraceDraftContent> => Boolean(draft)));
    };
    void read();
    const stop = onDraftsChange(() => void read());
    return () => {
      current = false;
      stop();
    };
  }, [me.id]);
  return drafts;
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
            link: { to: sent.length === 1 ? `/traces/${sent[0]!.id}` : '/traces', label: t('drafts.seeSent') },
          });
          await queryClient.invalidateQueries({ queryKey: ['traces'] });
        },
        () => undefined,
      );
    send();
    window.addEventListener('online', send);
    return () => window.removeEventListener('online', send);
  }, [me.id, t, toast, queryClient]);
  return null;
}
