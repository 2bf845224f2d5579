import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { useMe } from '../session/session.tsx';
import { ConfirmDialog, type ConfirmRequest } from '../ui/confirm-dialog.tsx';
import { useOnline } from '../ui/connection.tsx';
import { useFormat } from '../ui/format.ts';
import { Loading, Notice } from '../ui/notice.tsx';
import { draftLabel, specOf } from './draft-kinds.ts';
import { sendDrafts } from './sender.ts';
import { useDrafts } from './use-drafts.tsx';
import { deleteDraft, draftsAvailable } from './vault.ts';

/** What waits on this device to be sent: each draft with its state, opened to fix it, sent now, or deleted. */
export function DraftsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const format = useFormat();
  const online = useOnline();
  const drafts = useDrafts();
  const { state } = useLocation() as { state: { saved?: boolean } | null };
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  if (!draftsAvailable()) return <Notice tone="warning">{t('drafts.unavailable')}</Notice>;
  if (!drafts) return <Loading />;
  return (
    <section>
      <h1>{t('drafts.title')}</h1>
      {state?.saved && <Notice tone="success">{t('drafts.saved')}</Notice>}
      <p>{t('drafts.lead')}</p>
      {drafts.length === 0 ? (
        <p data-testid="no-drafts">{t('drafts.none')}</p>
      ) : (
        <>
          <button type="button" disabled={!online} onClick={() => void sendDrafts(me.id)}>
            {t('drafts.sendNow')}
          </button>
          <table data-testid="drafts">
            <thead>
              <tr>
                <th>{t('drafts.made')}</th>
                <th>{t('drafts.kind')}</th>
                <th>{t('drafts.weapon')}</th>
                <th>{t('drafts.state')}</th>
                <th>{t('administration.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {drafts.map((draft) => {
                const label = draftLabel(draft);
                return (
                  <tr key={draft.id} className={draft.state === 'refused' ? 'draft-refused' : undefined}>
                    <td>{format.dateTime(new Date(draft.createdAt).toISOString())}</td>
                    <td>{t(`drafts.kinds.${draft.kind}`)}</td>
                    <td>{label}</td>
                    <td>{t(draft.state === 'refused' ? 'drafts.refused' : 'drafts.pending')}</td>
                    <td className="actions">
                      <Link
                        className="button"
                        to={specOf(draft).form(draft.id)}
                        aria-label={`${t('drafts.open')} ${label}`}
                      >
                        {t('drafts.open')}
                      </Link>
                      <button
                        type="button"
                        className="danger"
                        aria-label={`${t('drafts.delete')} ${label}`}
                        onClick={() =>
                          setConfirm({
                            title: t('drafts.deleteTitle'),
                            body: t('drafts.deleteBody', { weapon: label }),
                            confirmLabel: t('drafts.delete'),
                            danger: true,
                            onConfirm: () => deleteDraft(draft.id),
                          })
                        }
                      >
                        {t('drafts.delete')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
    </section>
  );
}
