import { useTranslation } from 'react-i18next';
import type { TraceStatus } from '../../traces/schemas.ts';

const TONE: Record<TraceStatus, string> = {
  draft: 'neutral',
  pending_review: 'attention',
  queued: 'info',
  in_progress: 'info',
  needs_info: 'attention',
  completed: 'success',
  not_traceable: 'neutral',
  failed: 'danger',
  cancelled: 'neutral',
};

export function TraceStatusBadge({ status }: { status: TraceStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`badge badge-${TONE[status]}`} data-status={status}>
      {t(`traceStatus.${status}`)}
    </span>
  );
}

export function Badge({
  tone,
  children,
}: {
  tone: 'danger' | 'attention' | 'info' | 'success' | 'neutral';
  children: string;
}) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function UrgentBadge() {
  const { t } = useTranslation();
  return <Badge tone="danger">{t('badges.urgent')}</Badge>;
}

export function OverdueBadge() {
  const { t } = useTranslation();
  return <Badge tone="attention">{t('badges.overdue')}</Badge>;
}
