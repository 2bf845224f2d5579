import Type from 'typebox';
import type { Api } from '../http/api.ts';
import { readScope, seesIntelligence } from '../shared/actor.ts';
import type { EventStreams } from './stream.ts';

const LAST_EVENT_ID = /^\d{1,19}$/;

export function eventRoutes(api: Api, streams: EventStreams): void {
  api.add({
    method: 'get', path: '/events/stream', tag: 'Events', stream: true,
    summary: 'Live events of the records the caller may read (Server-Sent Events)',
    description: 'Each message has `id:` (the event id), `event:` (its type) and `data:` (the event as JSON, see the `Event` schema). ' +
      'Reconnect with `Last-Event-ID` to get what came after that id first (events are kept at least an hour). A comment line ' +
      'every 15 s keeps the connection open. Ends when the server shuts down: reconnect (to any API process) with the last id.',
    responses: { 200: { description: 'The stream', schema: Type.String({ contentMediaType: 'text/event-stream' }), contentType: 'text/event-stream' } },
    handler: async ({ ctx, req, res }) => {
      const last = req.get('last-event-id');
      await streams.serve(res, readScope(ctx.actor), seesIntelligence(ctx.actor), last && LAST_EVENT_ID.test(last) ? last : undefined);
      return undefined;
    },
  });
}
