import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CaseDetail } from '../../cases/schemas.ts';
import { request } from '../api/client.ts';

/** A case by its number and title (the same query as the case page, so it is cached both ways). */
export function CaseLink({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const kase = useQuery({ queryKey: ['case', caseId], queryFn: () => request<CaseDetail>(`/cases/${caseId}`) });
  return (
    <Link to={`/cases/${caseId}`}>
      {kase.data ? `${kase.data.caseNumber} — ${kase.data.title}` : t('traces.openCase')}
    </Link>
  );
}
