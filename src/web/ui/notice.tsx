import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { problemMessage } from './problems.ts';

export function ErrorNotice({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <p className="notice notice-error" role="alert">
      {problemMessage(t, error)}
    </p>
  );
}

export function Notice({ tone = 'info', children }: { tone?: 'info' | 'success' | 'warning'; children: ReactNode }) {
  return (
    <div className={`notice notice-${tone}`} role="status">
      {children}
    </div>
  );
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="loading" aria-live="polite">
      {t('common.loading')}
    </p>
  );
}
