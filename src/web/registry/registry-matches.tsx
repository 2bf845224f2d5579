import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { RegistryMatch } from '../../shared/registry-match.ts';
import { useFormat } from '../ui/format.ts';

/** "Reported stolen by PNC-GT (GT) on 14 Sept 2026 — LS-2026-000007", in the page's language. */
export const matchText = (t: TFunction, format: ReturnType<typeof useFormat>, match: RegistryMatch) =>
  t('registry.match', {
    kind: t(`lossKinds.${match.kind}`),
    agency: match.agency.code,
    country: match.agency.country,
    date: format.date(match.lostOn),
    reference: match.reference,
  });

/** A gun's lost/stolen reports, in the short form every record of it shows; nothing when there are none. */
export function RegistryMatches({ matches }: { matches: readonly RegistryMatch[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (!matches.length) return null;
  return (
    <div className="notice notice-error registry-matches" role="status" data-testid="registry-matches">
      <strong>{t('registry.matchesTitle')}</strong>
      <ul className="plain">
        {matches.map((match) => (
          <li key={match.reference}>{matchText(t, format, match)}</li>
        ))}
      </ul>
    </div>
  );
}
