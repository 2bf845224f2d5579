import { LiveEventsProvider } from '../events/live-events.tsx';
import { useEffect, useRef, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { Role } from '../../shared/actor.ts';
import { useMe, useSession } from '../session/session.tsx';
import { AlertCount, CriticalAlertBanner } from '../alerts/alert-count.tsx';
import { LanguageSwitch } from './language-switch.tsx';
import { OfflineBanner } from './connection.tsx';
import { ConfirmDialog, type ConfirmRequest } from './confirm-dialog.tsx';
import { DraftsSender, useDraftCount } from '../drafts/use-drafts.tsx';
import { draftsAvailable, forgetEverything } from '../drafts/vault.ts';
import { ToastProvider } from './toast.tsx';

type NavKey =
  | 'cases'
  | 'traces'
  | 'bulk'
  | 'queue'
  | 'dashboard'
  | 'reports'
  | 'custody'
  | 'stocktakes'
  | 'destructions'
  | 'weapons'
  | 'registry'
  | 'intelligence'
  | 'administration';

const NAV: Record<Role, [NavKey, string][]> = {
  investigator: [
    ['cases', '/cases'],
    ['traces', '/traces'],
    ['bulk', '/traces/bulk'],
    ['weapons', '/weapons'],
    ['registry', '/registry'],
    ['intelligence', '/intelligence'],
    ['reports', '/reports'],
  ],
  advisor: [
    ['dashboard', '/dashboard'],
    ['queue', '/queue'],
    ['traces', '/traces'],
    ['destructions', '/destructions'],
    ['stocktakes', '/stocktakes'],
    ['weapons', '/weapons'],
    ['registry', '/registry'],
    ['intelligence', '/intelligence'],
    ['reports', '/reports'],
  ],
  stockpile_manager: [
    ['custody', '/stockpile'],
    ['stocktakes', '/stocktakes'],
    ['destructions', '/destructions'],
    ['weapons', '/weapons'],
    ['registry', '/registry'],
  ],
  admin: [
    ['administration', '/administration'],
    ['traces', '/traces'],
    ['weapons', '/weapons'],
    ['registry', '/registry'],
    ['intelligence', '/intelligence'],
    ['reports', '/reports'],
  ],
};

export const HOME: Record<Role, string> = {
  investigator: '/cases',
  advisor: '/dashboard',
  stockpile_manager: '/stockpile',
  admin: '/administration',
};

export function Layout() {
  const { t } = useTranslation();
  const me = useMe();
  const { signOut } = useSession();
  const unsent = useDraftCount() ?? 0;
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const { pathname } = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  // After a navigation, keyboard and screen-reader users continue from the new page's content, not the old link.
  useEffect(() => {
    if (first.current) first.current = false;
    else main.current?.focus({ preventScroll: true });
  }, [pathname]);
  return (
    <LiveEventsProvider>
      <ToastProvider>
        <a className="skip-link" href="#main">
          {t('layout.skipToContent')}
        </a>
        <header className="top-bar">
          <div className="brand">Rastreo</div>
          <nav aria-label={t('layout.mainNavigation')}>
            <ul>
              {NAV[me.role].map(([key, to]) => (
                <li key={key}>
                  <NavLink to={to} end={to === '/traces'}>
                    {t(`nav.${key}`)}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <AlertCount />
          <div className="who" data-testid="who">
            <span className="who-name">{me.name}</span>
            <span className="who-detail">
              {t(`roles.${me.role}`)} · {me.agency.name} ({me.agency.code})
            </span>
          </div>
          <NavLink to="/help" className="help-link">
            {t('nav.help')}
          </NavLink>
          <LanguageSwitch />
          <PendingDraftsLink count={unsent} />
          <button
            type="button"
            onClick={() => {
              if (!unsent) return void forgetEverythingThen(signOut);
              setConfirm({
                title: t('drafts.signOutTitle'),
                body: t('drafts.signOutBody', { count: unsent }),
                confirmLabel: t('drafts.signOutConfirm'),
                danger: true,
                onConfirm: () => forgetEverythingThen(signOut),
              });
            }}
          >
            {t('layout.signOut')}
          </button>
        </header>
        <OfflineBanner />
        <CriticalAlertBanner />
        <main id="main" tabIndex={-1} ref={main}>
          <Outlet />
        </main>
        <DraftsSender />
        <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
      </ToastProvider>
    </LiveEventsProvider>
  );
}

/** Sign-out deletes what this device kept for the person (drafts, lists), then ends the session. */
async function forgetEverythingThen(signOut: () => Promise<void>) {
  if (draftsAvailable()) await forgetEverything();
  await signOut();
}

/** "Waiting (n)" while drafts wait on this device to be sent. */
function PendingDraftsLink({ count }: { count: number }) {
  const { t } = useTranslation();
  if (!count) return null;
  return (
    <NavLink to="/drafts" className="pending-drafts" data-testid="pending-drafts">
      {t('drafts.nav', { count })}
    </NavLink>
  );
}
