import { OpenAlertsFlag } from '../alerts/open-alerts.tsx';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { DestructionCreate, METHODS, type Destruction, type IneligibleReason } from '../../destructions/schemas.ts';
import type { StockpileItem } from '../../stockpile/schemas.ts';
import { ApiProblem, newIdempotencyKey, request } from '../api/client.ts';
import { LoadMore, usePagedList } from '../api/paged.tsx';
import { FormFooter, SelectField, TextField } from '../ui/form.tsx';
import { todayIso } from '../ui/format.ts';
import { Loading } from '../ui/notice.tsx';
import { fieldBinder, useFormSubmit } from '../ui/use-form-submit.ts';
import { schemaErrors } from '../ui/schema-errors.ts';
import { weaponLabel } from '../weapons/weapon-label.ts';
import { ErrorSummary } from '../ui/error-summary.tsx';
import { DateField } from '../ui/date-field.tsx';

export function PlanDestructionPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const key = useRef(newIdempotencyKey());
  const items = usePagedList<StockpileItem>(
    ['stockpile', 'plannable'],
    (cursor) => `/stockpile/items?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
  );
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [values, setValues] = useState({ plannedFor: todayIso(), method: '', location: '' });
  const [refused, setRefused] = useState<Map<string, string[]>>(new Map());

  const candidates = items.items.filter((item) => item.status !== 'destroyed');
  const body = { ...values, location: values.location.trim(), itemIds: [...selected] };
  const errors = schemaErrors(t, DestructionCreate, body);
  const eligible = candidates.filter((item) => item.destructionBlockers.length === 0);
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const { submit, errorAt, submitted, failure, busy } = useFormSubmit(errors, async () => {
    setRefused(new Map());
    try {
      const created = await request<Destruction>('/destructions', {
        method: 'POST',
        idempotencyKey: key.current,
        body,
      });
      await queryClient.invalidateQueries();
      navigate(`/destructions/${created.id}`);
    } catch (error) {
      // Items the API refused carry their reasons; they show on their rows.
      if (error instanceof ApiProblem && Array.isArray(error.body.items)) {
        const items = error.body.items as { itemId: string; reasons: string[] }[];
        setRefused(new Map(items.map((item) => [item.itemId, item.reasons])));
      }
      throw error;
    }
  });
  const field = fieldBinder(values, setValues, errorAt);

  return (
    <section>
      <h1>{t('destructions.plan')}</h1>
      <form onSubmit={submit} noValidate>
        <ErrorSummary />
        <div className="grid">
          <DateField label={t('destructions.plannedFor')} {...field('plannedFor')} required />
          <SelectField
            label={t('destructions.method')}
            {...field('method')}
            required
            placeholder={t('common.choose')}
            options={METHODS.map((value) => ({ value, label: t(`methods.${value}`) }))}
          />
          <TextField label={t('destructions.location')} {...field('location')} required />
        </div>
        <h2>{t('destructions.chooseItems')}</h2>
        <p className="hint">
          {t('destructions.chooseItemsHint', { eligible: eligible.length, total: candidates.length })}
        </p>
        {submitted && errors['/itemIds'] && (
          <p className="notice notice-error" role="alert">
            {t('destructions.noItemsChosen')}
          </p>
        )}
        {items.isPending ? (
          <Loading />
        ) : candidates.length === 0 ? (
          <p>{t('custody.none')}</p>
        ) : (
          <table data-testid="plan-items">
            <thead>
              <tr>
                <th>
                  <input
                    type="checkbox"
                    aria-label={t('destructions.selectAll')}
                    checked={eligible.length > 0 && eligible.every((item) => selected.has(item.id))}
                    onChange={(event) =>
                      setSelected(event.target.checked ? new Set(eligible.map((item) => item.id)) : new Set())
                    }
                  />
                </th>
                <th>{t('custody.reference')}</th>
                <th>{t('traces.weapon')}</th>
                <th>{t('custody.location')}</th>
                <th>{t('destructions.eligibility')}</th>
              </tr>
            </thead>
            <tbody>
              {candidates.map((item) => {
                const reasons = [
                  ...new Set([...item.destructionBlockers, ...((refused.get(item.id) ?? []) as IneligibleReason[])]),
                ];
                return (
                  <tr
                    key={item.id}
                    data-reference={item.reference}
                    className={reasons.length ? 'row-ineligible' : undefined}
                  >
                    <td>
                      <input
                        type="checkbox"
                        aria-label={t('destructions.selectItem', { reference: item.reference })}
                        checked={selected.has(item.id)}
                        disabled={reasons.length > 0 && !selected.has(item.id)}
                        onChange={() => toggle(item.id)}
                      />
                    </td>
                    <td>
                      {item.reference}
                      <OpenAlertsFlag alerts={item.openAlerts} weaponId={item.weaponId} />
                    </td>
                    <td>{weaponLabel(t, item.weapon)}</td>
                    <td>{item.storageLocation}</td>
                    <td>
                      {reasons.length === 0
                        ? t('destructions.eligible')
                        : reasons.map((reason) => (
                            <span key={reason} className="reason">
                              {reason === 'open_trace' && !item.openTrace
                                ? t('destructions.openTraceElsewhere')
                                : t(`ineligible.${reason}`, {
                                    reference: item.openTrace?.reference ?? '',
                                    references: item.registryMatches.map((match) => match.reference).join(', '),
                                  })}
                            </span>
                          ))}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        <LoadMore list={items} />
        <FormFooter
          failure={failure}
          busy={busy}
          submitLabel={t('destructions.planSubmit', { count: selected.size })}
          onCancel={() => navigate(-1)}
        />
      </form>
    </section>
  );
}
