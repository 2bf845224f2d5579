import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StocktakeDetail } from '../../stocktakes/schemas.ts';
import { ApiProblem, request } from '../api/client.ts';
import { TextAreaField, TextField } from '../ui/form.tsx';
import { ErrorNotice } from '../ui/notice.tsx';
import { useFormSubmit } from '../ui/use-form-submit.ts';

/**
 * The second person closes the count on this same device with their own sign-in: their token serves this one close
 * and is revoked at once; the person signed in here stays signed in.
 */
export function CloseForm({ stocktake }: { stocktake: StocktakeDetail }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [note, setNote] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);
  const required = t('fieldErrors.required');
  const errors: Record<string, string> = {
    ...(email.trim() ? {} : { '/email': required }),
    ...(password ? {} : { '/password': required }),
    ...(note.trim() ? {} : { '/note': required }),
  };
  const form = useFormSubmit(errors, async () => {
    setRefusal(null);
    let token: string;
    try {
      // `token: ''`: no one's — a wrong password here must not end the session of the person signed in.
      ({ token } = await request<{ token: string }>('/sessions', {
        method: 'POST',
        body: { email: email.trim(), password },
        token: '',
      }));
    } catch (error) {
      if (error instanceof ApiProblem && error.status === 401) return setRefusal(t('stocktakes.wrongSignIn'));
      throw error;
    }
    setPassword('');
    try {
      await request(`/stockpile/stocktakes/${stocktake.id}/close`, {
        method: 'POST',
        body: { note: note.trim() },
        token,
      });
      await client.invalidateQueries({ queryKey: ['stockpile'] });
      await client.invalidateQueries({ queryKey: ['alerts'] });
    } catch (error) {
      if (error instanceof ApiProblem && error.kind === 'self-close') return setRefusal(t('stocktakes.selfClose'));
      throw error;
    } finally {
      await request('/sessions/current', { method: 'DELETE', token }).catch(() => undefined);
    }
  });
  return (
    <form className="panel" onSubmit={(event) => void form.submit(event)} noValidate data-testid="close-form">
      <h2>{t('stocktakes.closeTitle')}</h2>
      <p>{t('stocktakes.closeLead', { name: stocktake.openedByName })}</p>
      <TextField
        label={t('stocktakes.closeEmail')}
        type="email"
        autoComplete="off"
        required
        value={email}
        onChange={setEmail}
        error={form.errorAt('/email')}
      />
      <TextField
        label={t('stocktakes.closePassword')}
        type="password"
        autoComplete="off"
        required
        value={password}
        onChange={setPassword}
        error={form.errorAt('/password')}
      />
      <TextAreaField
        label={t('stocktakes.closeNote')}
        required
        value={note}
        onChange={setNote}
        error={form.errorAt('/note')}
      />
      {refusal && (
        <p className="notice notice-error" role="alert">
          {refusal}
        </p>
      )}
      <ErrorNotice error={form.failure} />
      <button type="submit" className="primary" disabled={form.busy}>
        {t('stocktakes.close')}
      </button>
    </form>
  );
}
