import { useTranslation } from 'react-i18next';
import type { TraceResult } from '../../traces/schemas.ts';

type Outcome = TraceResult['outcome'];

export function OutcomeText({ outcome }: { outcome: string | null | undefined }) {
  const { t } = useTranslation();
  return <>{outcome ? t(`outcomes.${outcome as Outcome}`) : '—'}</>;
}
