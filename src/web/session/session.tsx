import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Me } from '../../identity/schemas.ts';
import { SESSION_IDLE_MINUTES } from '../../identity/rules.ts';
import { bindSession, queueBoardSession, request } from '../api/client.ts';

const STORAGE_KEY = 'rastreo.session';
/** Why the last session ended, kept until the next sign-in: a reload right after an expiry still says what happened. */
const NOTICE_KEY = 'rastreo.sessionNotice';
/** The server's idle expiry: a session token dies this long after its last use. */
const IDLE_MS = SESSION_IDLE_MINUTES * 60_000;

interface Stored {
  token: string;
  me: Me;
  lastActivity: number;
}

type Notice = 'expired' | 'signed-out' | null;

interface SessionContext {
  me: Me | null;
  notice: Notice;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const Context = createContext<SessionContext | null>(null);

function load(): Stored | null {
  try {
    const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Stored | null;
    return stored && Date.now() - stored.lastActivity < IDLE_MS ? stored : null;
  } catch {
    return null;
  }
}

/** Whether this tab's session has just expired (not signed out): set from the moment it ends until the next sign-in. */
export const sessionExpired = () =>
  sessionStorage.getItem(STORAGE_KEY) === null && sessionStorage.getItem(NOTICE_KEY) === 'expired';

function loadNotice(): Notice {
  // A session left idle past its limit while the page was closed or asleep ends here, on the next load: say so.
  if (sessionStorage.getItem(STORAGE_KEY) && !load()) {
    save(null);
    saveNotice('expired');
  }
  const notice = sessionStorage.getItem(NOTICE_KEY);
  return notice === 'expired' || notice === 'signed-out' ? notice : null;
}

function saveNotice(notice: Notice) {
  if (notice) sessionStorage.setItem(NOTICE_KEY, notice);
  else sessionStorage.removeItem(NOTICE_KEY);
}

function save(stored: Stored | null) {
  if (stored) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(stored));
  else sessionStorage.removeItem(STORAGE_KEY);
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [stored, setStored] = useState<Stored | null>(load);
  const [notice, setNotice] = useState<Notice>(() => (load() ? null : loadNotice()));
  const queryClient = useQueryClient();
  // While signing out, a request that meets the revoked token's 401 is the sign-out, not an expiry (an expiry keeps
  // the open form on the device for the next sign-in; a sign-out must keep nothing).
  const signingOut = useRef(false);

  const end = useCallback(
    (why: Notice) => {
      save(null);
      bindSession({ token: null });
      queryClient.clear();
      setStored(null);
      saveNotice(why);
      setNotice(why);
    },
    [queryClient],
  );

  if (stored) bindSession({ token: stored.token });

  useEffect(() => {
    bindSession({
      onExpired: () => end(signingOut.current ? 'signed-out' : 'expired'),
      onActivity: () => {
        const current = load();
        if (current) save({ ...current, lastActivity: Date.now() });
      },
    });
  }, [end]);

  useEffect(() => {
    if (!stored) return;
    const timer = setInterval(() => {
      if (!load()) end('expired');
    }, 15_000);
    return () => clearInterval(timer);
  }, [stored, end]);

  const value = useMemo<SessionContext>(
    () => ({
      me: stored?.me ?? null,
      notice,
      async signIn(email, password) {
        const session = await request<{ token: string }>('/sessions', { method: 'POST', body: { email, password } });
        bindSession({ token: session.token });
        const me = await request<Me>('/me');
        const next = { token: session.token, me, lastActivity: Date.now() };
        save(next);
        saveNotice(null);
        setNotice(null);
        setStored(next);
      },
      async signOut() {
        signingOut.current = true;
        try {
          if (stored?.me.role === 'admin') await queueBoardSession('close').catch(() => undefined);
          await request('/sessions/current', { method: 'DELETE' }).catch(() => undefined);
          end('signed-out');
        } finally {
          signingOut.current = false;
        }
      },
    }),
    [stored, notice, end],
  );

  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useSession() {
  const session = useContext(Context);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The signed-in user; only rendered inside the signed-in part of the app. */
export function useMe(): Me {
  const { me } = useSession();
  if (!me) throw new Error('useMe without a session');
  return me;
}
