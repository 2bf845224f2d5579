import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LABEL_LAYOUT_NAMES } from '../../stockpile/schemas.ts';
import { request, saveFile } from '../api/client.ts';
import { ErrorNotice } from '../ui/notice.tsx';

type Layout = (typeof LABEL_LAYOUT_NAMES)[number];

/**
 * Prints labels (a PDF to save or print): one item's (for a label printer unless another stock is chosen), or every
 * item in custody at one of the agency's stores (A4 sheets of 24 unless another stock is chosen).
 */
export function LabelsButton(props: { itemId: string; reference: string } | { storageLocation: string }) {
  const { t } = useTranslation();
  const single = 'itemId' in props;
  const [layout, setLayout] = useState<Layout>(single ? 'roll_62x29' : 'a4_3x8');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const print = async () => {
    setBusy(true);
    setError(null);
    try {
      const pdf = single
        ? await request<Blob>(`/stockpile/items/${props.itemId}/label?layout=${layout}`, {
            accept: 'application/pdf',
            blob: true,
          })
        : await request<Blob>('/stockpile/labels', {
            method: 'POST',
            body: { storageLocation: props.storageLocation, layout },
            accept: 'application/pdf',
            blob: true,
          });
      saveFile(pdf, `${single ? props.reference : t('stocktakes.labelsFor', { store: props.storageLocation })}.pdf`);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const label = single ? t('stocktakes.printLabel') : t('stocktakes.labelsFor', { store: props.storageLocation });
  return (
    <span className="labels-button">
      <select
        aria-label={`${t('stocktakes.labelLayout')}: ${label}`}
        value={layout}
        onChange={(event) => setLayout(event.target.value as Layout)}
      >
        {LABEL_LAYOUT_NAMES.map((name) => (
          <option key={name} value={name}>
            {t(`stocktakes.layouts.${name}`)}
          </option>
        ))}
      </select>
      <button type="button" className="small" disabled={busy} onClick={() => void print()}>
        {single ? t('stocktakes.printLabel') : t('stocktakes.labels')}
      </button>
      <ErrorNotice error={error} />
    </span>
  );
}
