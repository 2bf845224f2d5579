import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { StockpileItem } from '../../stockpile/schemas.ts';
import { alertsOfWeaponPath, kindsOf } from '../alerts/open-alerts.tsx';

/**
 * After an intake that raised (or found) open alerts about the gun — a gun recorded as destroyed, reported stolen, or
 * in another store — the custodian must read what it means before going on: a modal that only "I have read this" or
 * the link to the alerts closes.
 */
export function IntakeAlertDialog({ item, onClose }: { item: StockpileItem | null; onClose: () => void }) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (item && !dialog.current?.open) dialog.current?.showModal();
  }, [item]);
  if (!item) return <dialog ref={dialog} />;
  const what = kindsOf(item.openAlerts)
    .map((alert) => `${t(`alertKinds.${alert.kind}`)}: ${t(`alertNextSteps.${alert.kind}`)}`)
    .join(' ');
  return (
    <dialog
      ref={dialog}
      className="dialog-critical"
      aria-labelledby="intake-alert-title"
      data-testid="intake-alert-dialog"
      onCancel={(event) => event.preventDefault()}
    >
      <h2 id="intake-alert-title">{t('alerts.intakeTitle')}</h2>
      <p>{t('alerts.intakeBody', { what })}</p>
      <p>
        <strong>{item.reference}</strong>
      </p>
      <div className="actions">
        <Link className="button danger" to={alertsOfWeaponPath(item.weaponId)} onClick={onClose}>
          {t('alerts.intakeSee')}
        </Link>
        <button type="button" className="primary" onClick={onClose}>
          {t('alerts.intakeUnderstood')}
        </button>
      </div>
    </dialog>
  );
}
