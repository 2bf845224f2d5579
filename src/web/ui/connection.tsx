import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';

const subscribe = (changed: () => void) => {
  window.addEventListener('online', changed);
  window.addEventListener('offline', changed);
  return () => {
    window.removeEventListener('online', changed);
    window.removeEventListener('offline', changed);
  };
};

/** Whether the device has a connection, as the browser knows it (it changes with the link). */
export const useOnline = () => useSyncExternalStore(subscribe, () => navigator.onLine);

/** Says, while the device has no connection, what still works and what waits for the link. */
export function OfflineBanner() {
  const { t } = useTranslation();
  const online = useOnline();
  if (online) return null;
  return (
    <div className="notice notice-warning offline-banner" role="status" data-testid="offline-banner">
      <strong>{t('layout.offline')}</strong> {t('layout.offlineDetail')}
    </div>
  );
}
