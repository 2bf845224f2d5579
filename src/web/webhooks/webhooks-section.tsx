import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EVENT_TYPES } from '../../events/schemas.ts';
import type { Agency } from '../../identity/schemas.ts';
import { WebhookCreate, type Delivery, type Webhook } from '../../webhooks/schemas.ts';
import { request, type Page } from '../api/client.ts';
import { CheckboxField, SelectField, TextField } from '../ui/form.tsx';
import { useFormat } from '../ui/format.ts';
import { ErrorNotice, Loading } from '../ui/notice.tsx';
import { SecretOnce } from '../ui/secret-once.tsx';
import { schemaErrors } from '../ui/schema-errors.ts';
import { useFormSubmit } from '../ui/use-form-submit.ts';
import { ErrorSummary } from '../ui/error-summary.tsx';
import { ConfirmDialog, type ConfirmRequest } from '../ui/confirm-dialog.tsx';

/** Webhooks for administrators: register one (its secret is shown once), see them, send a test, read a delivery log, delete one. */
export function WebhooksSection({ agencies }: { agencies: Agency[] }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [agencyId, setAgencyId] = useState('');
  const [url, setUrl] = useState('');
  // Every kind but a trace's stages (several per trace, for pages that show progress): a receiver asks for those itself.
  const [events, setEvents] = useState<string[]>(EVENT_TYPES.filter((type) => type !== 'trace.stage_completed'));
  const [created, setCreated] = useState<(Webhook & { secret: string }) | null>(null);
  const [log, setLog] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const hooks = useQuery({ queryKey: ['webhooks'], queryFn: () => request<Page<Webhook>>('/webhooks?limit=200') });
  const deliveries = useQuery({
    queryKey: ['webhooks', log, 'deliveries'],
    enabled: Boolean(log),
    refetchInterval: 5_000,
    queryFn: () => request<Page<Delivery>>(`/webhooks/${log}/deliveries?limit=50`),
  });
  const body = { agencyId, url: url.trim(), events };
  const errors = schemaErrors(t, WebhookCreate, body);
  const { submit, errorAt, failure, busy } = useFormSubmit(errors, async () => {
    setCreated(await request<Webhook & { secret: string }>('/webhooks', { method: 'POST', body }));
    await queryClient.invalidateQueries({ queryKey: ['webhooks'] });
  });
  const code = new Map(agencies.map((agency) => [agency.id, agency.code]));
  const eventLabel = (type: string) => t(`webhookEvents.${type.replace('.', '_') as 'alert_created'}`);
  const format = useFormat();

  return (
    <section aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">{t('webhooks.title')}</h2>
      <form className="panel" onSubmit={submit} noValidate aria-label={t('webhooks.new')}>
        <ErrorSummary />
        <div className="grid">
          <SelectField
            label={t('webhooks.agency')}
            value={agencyId}
            onChange={setAgencyId}
            required
            error={errorAt('/agencyId')}
            placeholder={t('common.choose')}
            options={agencies.map((agency) => ({ value: agency.id, label: `${agency.code} — ${agency.name}` }))}
          />
          <TextField
            label={t('webhooks.url')}
            value={url}
            onChange={setUrl}
            required
            error={errorAt('/url')}
            placeholder="https://"
          />
        </div>
        <fieldset>
          <legend>{t('webhooks.events')}</legend>
          {EVENT_TYPES.map((type) => (
            <CheckboxField
              key={type}
              label={eventLabel(type)}
              checked={events.includes(type)}
              onChange={(on) => setEvents((current) => (on ? [...current, type] : current.filter((e) => e !== type)))}
            />
          ))}
          {errorAt('/events') && (
            <small className="error" role="alert">
              {errorAt('/events')}
            </small>
          )}
        </fieldset>
        <ErrorNotice error={failure} />
        <button type="submit" className="primary" disabled={busy}>
          {t('webhooks.create')}
        </button>
      </form>
      {created && (
        <SecretOnce
          key={created.secret}
          label={t('webhooks.secretOnce')}
          secret={created.secret}
          testId="webhook-secret"
        />
      )}
      <ErrorNotice error={hooks.error} />
      {hooks.isPending ? (
        <Loading />
      ) : (
        <table data-testid="webhooks">
          <thead>
            <tr>
              <th>{t('webhooks.agency')}</th>
              <th>{t('webhooks.url')}</th>
              <th>{t('webhooks.events')}</th>
              <th>{t('webhooks.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {hooks.data?.items.map((hook) => (
              <tr key={hook.id}>
                <td>{code.get(hook.agencyId) ?? '—'}</td>
                <td>
                  <code>{hook.url}</code>
                </td>
                <td>{hook.events.map(eventLabel).join(', ')}</td>
                <td className="actions">
                  <button
                    type="button"
                    onClick={() =>
                      void request(`/webhooks/${hook.id}/test`, { method: 'POST' }).then(() => setLog(hook.id))
                    }
                  >
                    {t('webhooks.test')}
                  </button>
                  <button type="button" onClick={() => setLog(hook.id)}>
                    {t('webhooks.log')}
                  </button>
                  <button
                    type="button"
                    className="danger"
                    aria-label={`${t('webhooks.delete')} ${hook.url}`}
                    onClick={() =>
                      setConfirm({
                        title: t('webhooks.deleteTitle'),
                        body: t('webhooks.deleteBody', { url: hook.url }),
                        confirmLabel: t('webhooks.delete'),
                        danger: true,
                        onConfirm: async () => {
                          await request(`/webhooks/${hook.id}`, { method: 'DELETE' });
                          if (log === hook.id) setLog(null);
                          await queryClient.invalidateQueries({ queryKey: ['webhooks'] });
                        },
                      })
                    }
                  >
                    {t('webhooks.delete')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {log && (
        <>
          <h3>{t('webhooks.log')}</h3>
          <ErrorNotice error={deliveries.error} />
          <table data-testid="webhook-deliveries">
            <thead>
              <tr>
                <th>{t('webhooks.event')}</th>
                <th>{t('webhooks.status')}</th>
                <th>{t('webhooks.attempts')}</th>
                <th>{t('webhooks.response')}</th>
                <th>{t('webhooks.lastAttempt')}</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.data?.items.map((delivery) => (
                <tr key={delivery.id}>
                  <td>
                    {delivery.eventId} · {delivery.type === 'ping' ? t('webhooks.test') : eventLabel(delivery.type)}
                  </td>
                  <td>{t(`deliveryStatus.${delivery.status}`)}</td>
                  <td className="number">{delivery.attempts}</td>
                  <td>{delivery.lastResponseStatus ?? '—'}</td>
                  <td>{format.dateTime(delivery.lastAttemptAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
    </section>
  );
}
