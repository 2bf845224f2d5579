import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from './form.tsx';
import { useFormat } from './format.ts';

type Order = 'dmy' | 'mdy';
/** The order people of each language write a date in (the browser's own date field follows the browser, not the page). */
const ORDER: Record<string, Order> = { es: 'dmy', en: 'mdy' };
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A typed date as `YYYY-MM-DD`, or null: day, month and a four-digit year in the language's order (any of / . - or
 * space between, or eight digits in a row as phones type them), or an ISO date as pasted. */
export function parseTypedDate(text: string, order: Order): string | null {
  const trimmed = text.trim();
  const iso = ISO.exec(trimmed);
  const parts: string[] = iso
    ? iso.slice(1, 4)
    : /^\d{8}$/.test(trimmed)
      ? [trimmed.slice(0, 2), trimmed.slice(2, 4), trimmed.slice(4)]
      : trimmed.split(/[/.\-\s]+/);
  if (parts.length !== 3 || !parts.every((part) => /^\d+$/.test(part))) return null;
  const [first, second, third] = parts.map(Number) as [number, number, number];
  const [year, month, day] = iso
    ? [first, second, third]
    : order === 'dmy'
      ? [third, second, first]
      : [third, first, second];
  if (!iso && parts[2]!.length !== 4) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1000 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A typed time of day as `HH:MM` (24-hour), or null: "9:05", "09:05", "0905" or "21.30" as people type it. */
export function parseTypedTime(text: string): string | null {
  const match = /^(\d{1,2})[:.h ]?(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const [hours, minutes] = [Number(match[1]), Number(match[2])];
  if (hours > 23 || minutes > 59) return null;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

/** For a filter: passes on only a whole date or a cleared field, so a half-typed date never reaches a query. */
export const whenDate = (set: (value: string) => void) => (value: string) => {
  if (value === '' || ISO.test(value)) set(value);
};

const typed = (iso: string, order: Order) => {
  const [year, month, day] = iso.split('-');
  return order === 'dmy' ? `${day}/${month}/${year}` : `${month}/${day}/${year}`;
};

/**
 * A date typed in the page's language order (dd/mm/aaaa in Spanish, mm/dd/yyyy in English), whatever the browser's
 * locale, with the date it understood written out under it. `value` is `YYYY-MM-DD`; what cannot be read is passed on
 * as typed, so the form's own check says it is not a date instead of dropping it (the field says so too once left).
 */
export function DateField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  name?: string;
  error?: string;
  hint?: string;
  required?: boolean;
  disabled?: boolean;
  onBlur?: () => void;
}) {
  const { value, onChange, name, onBlur, disabled, hint, error, ...field } = props;
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const order = ORDER[i18n.language] ?? 'dmy';
  const [text, setText] = useState(() => (ISO.test(value) ? typed(value, order) : value));
  const [left, setLeft] = useState(false);

  // A value set from outside (a reset, a loaded record, another language) is shown in the field's own form.
  useEffect(() => {
    // The field sends '' only when it is blank, so an empty value with text in the field is a reset.
    if (value === '') setText('');
    else if (ISO.test(value))
      setText((current) => (parseTypedDate(current, order) === value ? current : typed(value, order)));
  }, [value, order]);

  const understood = parseTypedDate(text, order);
  const pattern = t(order === 'dmy' ? 'forms.datePatternDmy' : 'forms.datePatternMdy');
  const readout = understood ? ` — ${format.date(understood)}` : '';
  return (
    <Field
      {...field}
      hint={[hint, `${pattern}${readout}`].filter(Boolean).join(' · ')}
      error={error ?? (left && text.trim() && !understood ? t('fieldErrors.date') : undefined)}
    >
      {(control) => (
        <input
          {...control}
          name={name}
          type="text"
          inputMode="numeric"
          autoComplete="off"
          placeholder={pattern}
          maxLength={10}
          value={text}
          disabled={disabled}
          required={field.required}
          onChange={(event) => {
            const next = event.target.value;
            setText(next);
            onChange(next.trim() === '' ? '' : (parseTypedDate(next, order) ?? next));
          }}
          onBlur={() => {
            setLeft(true);
            onBlur?.();
          }}
        />
      )}
    </Field>
  );
}
