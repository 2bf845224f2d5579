import Type from 'typebox';
import type { Api } from '../http/api.ts';
import { bearerToken } from '../http/credentials.ts';
import { hashToken } from '../identity/tokens.ts';
import { invalidField } from '../shared/problem.ts';
import { MAX_STREAMS_PER_USER, RECONNECT_MS, type EventStreams } from './stream.ts';

/** An event id: a positive 64-bit integer (PostgreSQL's bigint), without leading zeros. */
const LAST_EVENT_ID = /^(0|[1-9]\d{0,18})$/;
const MAX_BIGINT = 2n ** 63n - 1n;

function lastEventId(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  if (!LAST_EVENT_ID.test(header) || BigInt(header) > MAX_BIGINT)
    throw invalidField('/header/Last-Event-ID', 'must be the id of an event you received');
  return header;
}

export function eventRoutes(api: Api, streams: EventStreams): void {
  api.add({
    method: 'get',
    path: '/events/stream',
    tag: 'Events',
    stream: true,
    summary: 'Live events of the records the caller may read (Server-Sent Events)',
    description:
      'Each message has `id:` (the event id), `event:` (its type) and `data:` (the event as JSON, see the `Event` schema); ' +
      `the first carries \`retry: ${RECONNECT_MS}\`. Reconnect with \`Last-Event-ID\` to get first every event committed after that one ` +
      '(also one with a smaller id that committed later; events are kept at least an hour); an id that is malformed or names no ' +
      'stored event → 400. A comment line every 15 s keeps the connection open. What is sent is decided per event with the ' +
      "caller's rights at that moment: investigators get no destruction events, stockpile managers no trafficking-indicator " +
      'alerts, and the stream ends within 5 s when the caller is deactivated, its token rotated or revoked, its session ended, ' +
      `or its role or agency changed. At most ${MAX_STREAMS_PER_USER} open streams per user on one API process (the next → 429). ` +
      'A server that is shutting down ends its streams and answers new ones 503 with `Retry-After`: reconnect (to any API process) with the last id.',
    responses: {
      200: {
        description: 'The stream',
        schema: Type.String({ contentMediaType: 'text/event-stream' }),
        contentType: 'text/event-stream',
      },
    },
    handler: async ({ ctx, req, res }) => {
      const last = lastEventId(req.get('last-event-id'));
      await streams.serve(res, ctx.actor, hashToken(bearerToken(req)!).toString('base64'), last);
      return undefined;
    },
  });
}
