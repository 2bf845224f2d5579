import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Agency, User } from '../../identity/schemas.ts';
import { queueBoardSession, request, type Page } from '../api/client.ts';
import { ErrorNotice, Loading } from '../ui/notice.tsx';
import { WebhooksSection } from '../webhooks/webhooks-section.tsx';
import { AgenciesSection } from './agencies-section.tsx';
import { UsersSection } from './users-section.tsx';

/** Agencies and regions, their people and tokens, webhooks; the API documentation and the job queue board. */
export function AdministrationPage() {
  const { t } = useTranslation();
  const [boardError, setBoardError] = useState<unknown>(null);
  const agencies = useQuery({ queryKey: ['agencies'], queryFn: () => request<Page<Agency>>('/agencies?limit=200') });
  const users = useQuery({ queryKey: ['users'], queryFn: () => request<Page<User>>('/users?limit=200') });
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
      <ErrorNotice error={agencies.error ?? users.error} />
      {agencies.isPending || users.isPending ? (
        <Loading />
      ) : (
        <>
          <AgenciesSection agencies={agencies.data?.items ?? []} />
          <UsersSection users={users.data?.items ?? []} agencies={agencies.data?.items ?? []} />
        </>
      )}
      <WebhooksSection agencies={agencies.data?.items ?? []} />
    </section>
  );
}
