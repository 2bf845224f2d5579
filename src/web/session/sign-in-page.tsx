import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiProblem } from '../api/client.ts';
import { LanguageSwitch } from '../ui/language-switch.tsx';
import { TextField } from '../ui/form.tsx';
import { useFormat } from '../ui/format.ts';
import { Notice } from '../ui/notice.tsx';
import { problemMessage } from '../ui/problems.ts';
import { useSession } from './session.tsx';
import { OfflineBanner } from '../ui/connection.tsx';

const CREDENTIALS = [
  { name: 'email', autoComplete: 'username' },
  { name: 'password', autoComplete: 'current-password' },
] as const;

export function SignInPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { signIn, notice } = useSession();
  const [credentials, setCredentials] = useState({ email: '', password: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const errorRef = useRef<HTMLParagraphElement>(null);
  // The button was disabled while signing in, which drops focus: a failure puts it on the message, read out at once.
  useEffect(() => {
    if (error) errorRef.current?.focus();
  }, [error]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(credentials.email.trim(), credentials.password);
    } catch (failure) {
      if (failure instanceof ApiProblem && failure.kind === 'account-locked') {
        setError(t('signIn.locked', { until: format.dateTime(String(failure.body.lockedUntil)) }));
      } else if (failure instanceof ApiProblem && failure.status === 401) {
        setError(t('signIn.wrongCredentials'));
      } else {
        setError(problemMessage(t, failure));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in" id="main">
      <div className="sign-in-card">
        <div className="sign-in-header">
          <h1>Rastreo</h1>
          <LanguageSwitch />
        </div>
        <p className="lead">{t('signIn.lead')}</p>
        <OfflineBanner />
        {notice === 'expired' && <Notice tone="warning">{t('signIn.expired')}</Notice>}
        {notice === 'signed-out' && <Notice>{t('signIn.signedOut')}</Notice>}
        <form onSubmit={submit} noValidate>
          {CREDENTIALS.map(({ name, autoComplete }) => (
            <TextField
              key={name}
              label={t(`signIn.${name}`)}
              type={name}
              name={name}
              autoComplete={autoComplete}
              value={credentials[name]}
              onChange={(value) => setCredentials((current) => ({ ...current, [name]: value }))}
              required
            />
          ))}
          {error && (
            <p className="notice notice-error" role="alert" tabIndex={-1} ref={errorRef} data-testid="sign-in-error">
              {error}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy || !credentials.email || !credentials.password}>
            {t('signIn.submit')}
          </button>
        </form>
      </div>
    </main>
  );
}
