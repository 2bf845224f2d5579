import { createParser, type EventSourceMessage } from 'eventsource-parser';

export type { EventSourceMessage };

/**
 * Reads Server-Sent Events from text chunks as they arrive, by the WHATWG rules (eventsource-parser: CR, LF and CRLF
 * line ends, multi-line `data`, fields split across chunks, comments): each complete message to `onMessage`, a `retry:`
 * to `onRetry`. One reader for the web UI, the tests and the bench. Returns the function to feed chunks to.
 */
export function sseReader(onMessage: (message: EventSourceMessage) => void, onRetry?: (ms: number) => void) {
  const parser = createParser({ onEvent: onMessage, ...(onRetry ? { onRetry } : {}) });
  return (chunk: string) => parser.feed(chunk);
}
