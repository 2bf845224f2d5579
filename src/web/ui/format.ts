import { isoDate, type Clock } from '../../shared/clock.ts';
import { useTranslation } from 'react-i18next';

const LOCALES: Record<string, string> = { es: 'es-419', en: 'en-US' };
const DAYS_PER_YEAR = 365.25;
const DAYS_PER_MONTH = DAYS_PER_YEAR / 12;

/** The time-to-crime bands of trace data reports: under a year (a trafficking indicator), one to three years, more. */
export const timeToCrimeBand = (days: number) =>
  days < 365 ? 'underOneYear' : days < 3 * 365 ? 'oneToThreeYears' : 'overThreeYears';

/** Dates, numbers and durations in the chosen language's conventions. */
export function useFormat() {
  const { i18n } = useTranslation();
  const locale = LOCALES[i18n.language] ?? 'es-419';
  const number = new Intl.NumberFormat(locale);
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const dateOnly = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const longUnit = (value: number, name: 'year' | 'month') =>
    new Intl.NumberFormat(locale, { style: 'unit', unit: name, unitDisplay: 'long' }).format(value);
  const unit = (value: number, name: 'day' | 'hour' | 'minute' | 'second', unitDisplay: 'short' | 'long' = 'short') =>
    new Intl.NumberFormat(locale, { style: 'unit', unit: name, unitDisplay, maximumFractionDigits: 0 }).format(value);
  return {
    locale,
    number: (value: number | null | undefined) => (value === null || value === undefined ? '—' : number.format(value)),
    percent: (value: number | null | undefined) =>
      value === null || value === undefined ? '—' : percent.format(value),
    /** A `YYYY-MM-DD` date, shown as that calendar day whatever the browser's time zone. */
    date: (value: string | null | undefined) =>
      value ? dateOnly.format(new Date(`${value.slice(0, 10)}T00:00:00Z`)) : '—',
    dateTime: (value: string | null | undefined) => (value ? dateTime.format(new Date(value)) : '—'),
    duration: (seconds: number | null | undefined) => {
      if (seconds === null || seconds === undefined) return '—';
      const days = Math.floor(seconds / 86_400);
      const hours = Math.floor((seconds % 86_400) / 3_600);
      const minutes = Math.floor((seconds % 3_600) / 60);
      if (days > 0) return `${unit(days, 'day')} ${unit(hours, 'hour')}`;
      if (hours > 0) return `${unit(hours, 'hour')} ${unit(minutes, 'minute')}`;
      if (minutes > 0) return unit(minutes, 'minute');
      return unit(Math.floor(seconds), 'second');
    },
    days: (value: number | null | undefined) =>
      value === null || value === undefined ? '—' : unit(value, 'day', 'long'),
    /** A span of days as a person says it: "3 años y 3 meses", "10 months", "12 days" (1,200 days is hard to read). */
    yearsAndMonths: (days: number) => {
      const years = Math.floor(days / DAYS_PER_YEAR);
      const months = Math.floor((days - years * DAYS_PER_YEAR) / DAYS_PER_MONTH);
      if (!years && !months) return unit(days, 'day', 'long');
      const parts = [...(years ? [longUnit(years, 'year')] : []), ...(months ? [longUnit(months, 'month')] : [])];
      return new Intl.ListFormat(locale, { type: 'conjunction' }).format(parts);
    },
  };
}

/** The browser's clock, for the API's own rules that compare with now (the rules.ts modules of the server). */
export const clock: Clock = { now: () => new Date() };
export const todayIso = () => isoDate(clock.now());
