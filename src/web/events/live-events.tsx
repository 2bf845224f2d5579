import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { readEventStream, type StreamMessage } from '../api/client.ts';

const Live = createContext(false);

/** Whether the live event stream is open: pages poll only when it is not. */
export const useLiveEvents = () => useContext(Live);

/** What each event makes stale: the queries that show the record it is about. */
function refresh(queryClient: QueryClient, message: StreamMessage) {
  const keys: unknown[][] = [];
  if (message.type === 'trace.status_changed') {
    const id = message.data.traceId;
    keys.push(
      ['trace', id],
      ['trace-events', id],
      ['traces'],
      ['queue'],
      ['queue-summary'],
      ['case'],
      ['weapon'],
      ['alerts'],
    );
  } else if (message.type === 'trace.stage_completed') {
    keys.push(['trace', message.data.traceId], ['trace-events', message.data.traceId]);
  } else if (message.type === 'alert.created') {
    keys.push(['alerts']);
  } else if (message.type.startsWith('destruction.')) {
    keys.push(['destructions'], ['destruction', message.data.destructionId], ['stockpile']);
  }
  for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
}

/**
 * Keeps one live event stream open while someone is signed in, reconnecting with Last-Event-ID (so nothing that happened
 * while it was down is missed) after 1 s, 2 s, 4 s… up to 30 s.
 */
export function LiveEventsProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const controller = new AbortController();
    let last: string | undefined;
    let delay = 1_000;
    void (async () => {
      while (!controller.signal.aborted) {
        try {
          await readEventStream(
            (message) => {
              last = message.id;
              refresh(queryClient, message);
            },
            () => {
              setOpen(true);
              delay = 1_000;
            },
            last,
            controller.signal,
          );
        } catch (error) {
          // A last id the server no longer keeps (400): start afresh (the pages refresh when the stream opens).
          if ((error as { status?: number }).status === 400) last = undefined;
          // closed, refused or unreachable: poll meanwhile, try again shortly
        }
        setOpen(false);
        if (controller.signal.aborted) return;
        // Wait before trying again, but not once the link is back: the stream reconnects as soon as the device does.
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            window.removeEventListener('online', done);
            resolve();
          };
          const timer = setTimeout(done, delay);
          window.addEventListener('online', done);
        });
        delay = Math.min(delay * 2, 30_000);
      }
    })();
    return () => controller.abort();
  }, [queryClient]);
  return <Live.Provider value={open}>{children}</Live.Provider>;
}
