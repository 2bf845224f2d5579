import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { SearchField } from '../ui/filters.tsx';
import { REPORT_STATUSES, type StolenReport } from '../../registry/schemas.ts';
import { STOLEN_REPORT_LIFECYCLE } from '../../registry/transitions.ts';
import { mayTake, rolesOf } from '../../shared/lifecycle.ts';
import { query, request } from '../api/client.ts';
import { LoadMore, usePagedList } from '../api/paged.tsx';
import { useMe } from '../session/session.tsx';
import { ConfirmDialog, type ConfirmRequest } from '../ui/confirm-dialog.tsx';
import { SelectField } from '../ui/form.tsx';
import { useFormat } from '../ui/format.ts';
import { ErrorNotice, Loading, Notice } from '../ui/notice.tsx';
import { weaponLabel } from '../weapons/weapon-label.ts';
import { RegistryCheck } from './registry-check.tsx';
import { ReportForm } from './report-form.tsx';
import { AttachmentsPanel } from '../attachments/attachments-panel.tsx';
import { useDeviceDraft } from '../drafts/use-drafts.tsx';

/** The agency's lost and stolen reports: file one, follow them, close them; and the registry check for any gun. */
export function RegistryPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const queryClient = useQueryClient();
  const reporter = rolesOf(STOLEN_REPORT_LIFECYCLE, 'file').includes(me.role);
  const [status, setStatus] = useState('active');
  const [search, setSearch] = useState('');
  const [filing, setFiling] = useState(false);
  const [filed, setFiled] = useState<StolenReport | null>(null);
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const [photosOf, setPhotosOf] = useState<StolenReport | null>(null);
  // A report kept on this device (saved offline, or refused by the server), opened from the drafts page.
  const [params, setParams] = useSearchParams();
  const draft = useDeviceDraft('stolen-report', params.get('draft'));
  const reports = usePagedList<StolenReport>(
    ['stolen-reports', status, search],
    (cursor) => `/stolen-reports${query({ status, q: search.trim(), cursor })}`,
  );

  const close = (report: StolenReport, action: 'recovered' | 'withdraw') =>
    setConfirm({
      title: t(action === 'recovered' ? 'registry.recoveredTitle' : 'registry.withdrawTitle', {
        reference: report.reference,
      }),
      body: t(action === 'recovered' ? 'registry.recoveredBody' : 'registry.withdrawBody'),
      confirmLabel: t(action === 'recovered' ? 'registry.markRecovered' : 'registry.withdraw'),
      ...(action === 'withdraw' ? { textLabel: t('registry.withdrawReason') } : {}),
      onConfirm: async (text) => {
        await request(`/stolen-reports/${report.id}/${action}`, {
          method: 'POST',
          body: action === 'withdraw' ? { reason: text } : {},
        });
        await queryClient.invalidateQueries({ queryKey: ['stolen-reports'] });
      },
    });

  return (
    <section>
      <div className="page-header">
        <h1>{t('registry.title')}</h1>
        {reporter && !filing && !draft.data && (
          <button
            type="button"
            className="primary"
            onClick={() => {
              setFiling(true);
              setFiled(null);
            }}
          >
            {t('registry.new')}
          </button>
        )}
      </div>
      <p>{t('registry.lead')}</p>
      {filed && <Notice tone="success">{t('registry.filed', { reference: filed.reference })}</Notice>}
      {(filing || draft.data) && (
        <ReportForm
          key={draft.data?.id ?? 'new'}
          draft={draft.data ?? undefined}
          onDone={(report) => {
            setFiling(false);
            setFiled(report ?? null);
            if (draft.data) setParams({}, { replace: true });
          }}
        />
      )}
      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <SelectField
          label={t('registry.status')}
          value={status}
          onChange={setStatus}
          placeholder={t('common.all')}
          options={REPORT_STATUSES.map((value) => ({ value, label: t(`reportStatus.${value}`) }))}
        />
        <SearchField label={t('traces.search')} hint={t('registry.searchHint')} value={search} onChange={setSearch} />
      </form>
      <ErrorNotice error={reports.error} />
      {reports.isPending ? (
        <Loading />
      ) : reports.items.length === 0 ? (
        <p>{t('registry.none')}</p>
      ) : (
        <table data-testid="stolen-reports">
          <thead>
            <tr>
              <th>{t('registry.reference')}</th>
              <th>{t('registry.weapon')}</th>
              <th>{t('registry.kind')}</th>
              <th>{t('registry.lostOn')}</th>
              <th>{t('registry.sourceType')}</th>
              <th>{t('registry.status')}</th>
              <th>{t('registry.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {reports.items.map((report) => (
              <tr key={report.id}>
                <td>{report.reference}</td>
                <td>{weaponLabel(t, report.weapon)}</td>
                <td>{t(`lossKinds.${report.kind}`)}</td>
                <td>{format.date(report.lostOn)}</td>
                <td>{t(`lossSources.${report.sourceType}`)}</td>
                <td>{t(`reportStatus.${report.status}`)}</td>
                <td className="actions">
                  <button
                    type="button"
                    aria-label={`${t('attachments.title')} ${report.reference}`}
                    aria-pressed={photosOf?.id === report.id}
                    onClick={() => setPhotosOf(photosOf?.id === report.id ? null : report)}
                  >
                    {t('attachments.title')}
                  </button>
                  {reporter &&
                    mayTake(STOLEN_REPORT_LIFECYCLE, 'recover', report.status, me.role) &&
                    report.agencyId === me.agency.id && (
                      <>
                        <button
                          type="button"
                          aria-label={`${t('registry.markRecovered')} ${report.reference}`}
                          onClick={() => close(report, 'recovered')}
                        >
                          {t('registry.markRecovered')}
                        </button>
                        <button
                          type="button"
                          aria-label={`${t('registry.withdraw')} ${report.reference}`}
                          onClick={() => close(report, 'withdraw')}
                        >
                          {t('registry.withdraw')}
                        </button>
                      </>
                    )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {photosOf && (
        <AttachmentsPanel
          key={photosOf.id}
          record="stolen_report"
          id={photosOf.id}
          kinds={['overall', 'marking', 'serial', 'document']}
          title={`${t('attachments.title')} · ${photosOf.reference}`}
        />
      )}
      <LoadMore list={reports} />
      <RegistryCheck />
      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
    </section>
  );
}
