import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Agency, User } from '../../identity/schemas.ts';
import { queueBoardSession, request, type Page } from '../api/client.ts';
import { ErrorNotice, Loading } from '../ui/notice.tsx';
import { WebhooksSection } from '../webhooks/webhooks-section.tsx';

/** What an administrator checks first: agencies and their people. Changes go through the API (see /docs). */
export function AdministrationPage() {
  const { t } = useTranslation();
  const [boardError, setBoardError] = useState<unknown>(null);
  const agencies = useQuery({ queryKey: ['agencies'], queryFn: () => request<Page<Agency>>('/agencies?limit=200') });
  const users = useQuery({ queryKey: ['users'], queryFn: () => request<Page<User>>('/users?limit=200') });
  const agencyCode = new Map((agencies.data?.items ?? []).map((agency) => [agency.id, agency.code]));
  return (
    <section>
      <h1>{t('administration.title')}</h1>
      <p>
        {t('administration.lead')} <a href="/docs">{t('administration.apiDocs')}</a> ·{' '}
        <a
          href="/admin/queues"
          onClick={(event) => {
            event.preventDefault();
            void queueBoardSession('open').then(() => window.location.assign('/admin/queues'), setBoardError);
          }}
        >
          {t('administration.queueBoard')}
        </a>
      </p>
      <ErrorNotice error={boardError} />
      <h2>{t('administration.agencies')}</h2>
      <ErrorNotice error={agencies.error} />
      {agencies.isPending ? (
        <Loading />
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('administration.code')}</th>
              <th>{t('administration.name')}</th>
              <th>{t('administration.country')}</th>
              <th>{t('administration.region')}</th>
              <th>{t('administration.reviewRequired')}</th>
            </tr>
          </thead>
          <tbody>
            {agencies.data?.items.map((agency) => (
              <tr key={agency.id}>
                <td>{agency.code}</td>
                <td>{agency.name}</td>
                <td>{agency.country}</td>
                <td>{agency.region}</td>
                <td>{agency.reviewRequired ? t('common.yes') : t('common.no')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t('administration.users')}</h2>
      <ErrorNotice error={users.error} />
      {users.isPending ? (
        <Loading />
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('administration.name')}</th>
              <th>{t('signIn.email')}</th>
              <th>{t('administration.role')}</th>
              <th>{t('administration.agency')}</th>
              <th>{t('administration.active')}</th>
            </tr>
          </thead>
          <tbody>
            {users.data?.items.map((user) => (
              <tr key={user.id}>
                <td>{user.name}</td>
                <td>{user.email}</td>
                <td>{t(`roles.${user.role}`)}</td>
                <td>{agencyCode.get(user.agencyId) ?? '—'}</td>
                <td>{user.active ? t('common.yes') : t('common.no')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <WebhooksSection agencies={agencies.data?.items ?? []} />
    </section>
  );
}
