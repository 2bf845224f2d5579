import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { TraceStatus } from '../../traces/schemas.ts';
import { TraceStatusBadge, UrgentBadge } from '../ui/badges.tsx';
import { useFormat } from '../ui/format.ts';
import { OutcomeText } from './outcome-text.tsx';
import type { OpenAlert } from '../../alerts/schemas.ts';
import { OpenAlertsFlag } from '../alerts/open-alerts.tsx';

/** One row of a list of traces; the weapon and recovery date columns show only when the rows carry them. */
export interface TraceRow {
  id: string;
  reference: string;
  status: TraceStatus;
  urgent?: boolean;
  outcome: string | null | undefined;
  weapon?: { id: string; label: string };
  recoveryDate?: string;
  /** The open alerts about the row's gun (lists of traces carry them; a case's or a weapon's summary rows do not). */
  openAlerts?: readonly OpenAlert[];
  weaponId?: string;
}

/** The traces of a list, a case or a weapon: reference, weapon, status, outcome, date of recovery. */
export function TraceTable({ rows, caption, testId }: { rows: TraceRow[]; caption?: ReactNode; testId?: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const withWeapon = rows.some((row) => row.weapon);
  const withDate = rows.some((row) => row.recoveryDate);
  return (
    <table data-testid={testId}>
      {caption && <caption className="hint">{caption}</caption>}
      <thead>
        <tr>
          <th>{t('traces.reference')}</th>
          {withWeapon && <th>{t('traces.weapon')}</th>}
          <th>{t('traces.status')}</th>
          <th>{t('traces.outcome')}</th>
          {withDate && <th>{t('traces.recoveryDate')}</th>}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id}>
            <td>
              <Link to={`/traces/${row.id}`}>{row.reference}</Link>
              {row.openAlerts && row.weaponId && <OpenAlertsFlag alerts={row.openAlerts} weaponId={row.weaponId} />}
            </td>
            {withWeapon && <td>{row.weapon && <Link to={`/weapons/${row.weapon.id}`}>{row.weapon.label}</Link>}</td>}
            <td>
              <TraceStatusBadge status={row.status} /> {row.urgent && <UrgentBadge />}
            </td>
            <td>
              <OutcomeText outcome={row.outcome} />
            </td>
            {withDate && <td>{row.recoveryDate && format.date(row.recoveryDate)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
