/**
 * A message of a catalogue by its dotted key, its `{{name}}` placeholders filled — the subset of i18next's format the
 * server needs to word text (alerts, certificates) without the browser's i18n instance. An unknown key is answered as is.
 */
export function translate(catalogue: object, key: string, values: Record<string, string | number>): string {
  const message = key
    .split('.')
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], catalogue);
  if (typeof message !== 'string') return key;
  return message.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : whole,
  );
}
