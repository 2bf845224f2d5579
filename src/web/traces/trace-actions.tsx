import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Trace } from '../../traces/schemas.ts';
import { allows, EDITABLE, type TraceAction } from '../../traces/transitions.ts';
import { request } from '../api/client.ts';
import { useMe } from '../session/session.tsx';
import type { ConfirmRequest } from '../ui/confirm-dialog.tsx';
import { useToast } from '../ui/toast.tsx';

type ReviewAction = Extract<TraceAction, 'submit' | 'approve' | 'return' | 'retry' | 'escalate' | 'cancel'>;
const ORDER: ReviewAction[] = ['submit', 'approve', 'return', 'retry', 'escalate', 'cancel'];
/** The body field each action asks the user for, when it asks for one. */
const TEXT_FIELD: Partial<Record<ReviewAction, 'message' | 'reason'>> = {
  return: 'message',
  escalate: 'reason',
  cancel: 'reason',
};

export interface OfferedAction {
  key: string;
  label: string;
  request: ConfirmRequest;
}

/**
 * The actions the signed-in user may take on a trace, decided by the lifecycle's transition table
 * (src/traces/transitions.ts), each with its confirmation.
 */
export function useTraceActions() {
  const { t } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const toast = useToast();
  const done = () => queryClient.invalidateQueries();

  return (trace: Trace): OfferedAction[] => {
    const offered: OfferedAction[] = [];
    for (const action of ORDER) {
      if (!allows(action, trace.status, me.role)) continue;
      if (action === 'escalate' && trace.urgent) continue;
      const field = TEXT_FIELD[action];
      offered.push({
        key: action,
        label: t(`traceActions.${action}.label`),
        request: {
          title: t(`traceActions.${action}.title`, { reference: trace.reference }),
          body: t(`traceActions.${action}.body`),
          confirmLabel: t(`traceActions.${action}.label`),
          textLabel: field ? t(`traceActions.${action}.textLabel`) : undefined,
          danger: action === 'cancel',
          onConfirm: async (text) => {
            await request(`/traces/${trace.id}/${action}`, {
              method: 'POST',
              body: field ? { [field]: text } : undefined,
            });
            await done();
            // The row may leave the page (a queue that no longer lists it): say what happened, and where the trace is.
            toast({
              text: t(`traceActions.${action}.done`, { reference: trace.reference }),
              link: { to: `/traces/${trace.id}`, label: t('traceActions.openTrace', { reference: trace.reference }) },
            });
          },
        },
      });
    }
    if (allows('assign', trace.status, me.role)) {
      const mine = trace.assignedTo === me.id;
      offered.unshift({
        key: mine ? 'unassign' : 'assign',
        label: mine ? t('traceActions.unassign.label') : t('traceActions.assign.label'),
        request: {
          title: mine
            ? t('traceActions.unassign.title', { reference: trace.reference })
            : t('traceActions.assign.title', { reference: trace.reference }),
          body: mine ? t('traceActions.unassign.body') : t('traceActions.assign.body'),
          confirmLabel: mine ? t('traceActions.unassign.label') : t('traceActions.assign.label'),
          onConfirm: async () => {
            await request(`/traces/${trace.id}/assign`, { method: 'POST', body: { userId: mine ? null : me.id } });
            await done();
          },
        },
      });
    }
    return offered;
  };
}

export const canEdit = (trace: Trace, role: string) =>
  role === 'investigator' && (EDITABLE as readonly string[]).includes(trace.status);
