import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Notice } from './notice.tsx';

/** A secret the API shows only once (a webhook's signing secret, a user's API token), with a copy button. */
export function SecretOnce({ label, secret, testId }: { label: string; secret: string; testId: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <Notice tone="success">
      <strong>{label}</strong> <code data-testid={testId}>{secret}</code>{' '}
      <button type="button" onClick={() => void navigator.clipboard.writeText(secret).then(() => setCopied(true))}>
        {copied ? t('common.copied') : t('common.copy')}
      </button>
    </Notice>
  );
}
