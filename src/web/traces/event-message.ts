import type { TFunction } from 'i18next';
import type { TraceEvent } from '../../traces/schemas.ts';

/**
 * An event's message in the page's language: a tracing-center or worker message by its code (the API keeps the English
 * text for its clients); a person's message (an advisor returning a trace) as they wrote it.
 */
export function eventMessage(
  t: TFunction,
  event: Pick<TraceEvent, 'message' | 'messageCode' | 'messageParams'>,
): string {
  const key = `centerMessages.${event.messageCode}` as 'centerMessages.no_serial_record';
  return event.messageCode && t(key, { defaultValue: '' })
    ? t(key, { ...event.messageParams, defaultValue: '' })
    : (event.message ?? '');
}
