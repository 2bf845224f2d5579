import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { StockpileItem } from '../../stockpile/schemas.ts';
import { request } from '../api/client.ts';
import type { ConfirmRequest } from '../ui/confirm-dialog.tsx';

/** Placing or releasing an item's evidence hold: a decision asked for with its reason (for example the court order). */
export function useHoldAction(confirm: (request: ConfirmRequest) => void) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  return (item: Pick<StockpileItem, 'id' | 'reference' | 'evidenceHold'>) => {
    const action = item.evidenceHold ? 'release' : 'hold';
    confirm({
      title: t(`custody.${action}Title`, { reference: item.reference }),
      body: t(`custody.${action}Body`),
      confirmLabel: t(`custody.${action}`),
      textLabel: t('custody.reason'),
      onConfirm: async (reason) => {
        await request(`/stockpile/items/${item.id}/${item.evidenceHold ? 'release-hold' : 'hold'}`, {
          method: 'POST',
          body: { reason },
        });
        await queryClient.invalidateQueries({ queryKey: ['stockpile'] });
      },
    });
  };
}
