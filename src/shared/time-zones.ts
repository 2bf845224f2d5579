/**
 * The time zone an agency's records are read in, from its country (the region's countries each have one zone; a
 * country not listed reads in UTC). El Salvador is UTC−6 all year.
 */
const ZONES: Record<string, string> = {
  SV: 'America/El_Salvador',
  GT: 'America/Guatemala',
  HN: 'America/Tegucigalpa',
  NI: 'America/Managua',
  CR: 'America/Costa_Rica',
  PA: 'America/Panama',
  BZ: 'America/Belize',
  DO: 'America/Santo_Domingo',
  MX: 'America/Mexico_City',
  CO: 'America/Bogota',
};

export const timeZoneOf = (country: string) => ZONES[country] ?? 'UTC';

/** An instant as local date and time with its offset and zone: `2026-10-01 09:00 (UTC−06:00, America/El_Salvador)`. */
export function localDateTime(iso: string, timeZone: string): string {
  const date = new Date(iso);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  const offset =
    parts.timeZoneName === 'GMT' ? 'UTC' : (parts.timeZoneName ?? '').replace('GMT', 'UTC').replace('-', '−');
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} (${offset}, ${timeZone})`;
}
