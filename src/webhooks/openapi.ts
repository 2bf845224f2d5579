import { Event } from '../events/schemas.ts';
import { exampleOf } from '../http/openapi-examples.ts';

/** What Rastreo sends to a registered webhook (OpenAPI 3.1 `webhooks`): the event, signed. */
export const WEBHOOKS = {
  event: {
    post: {
      operationId: 'receiveEvent',
      summary: 'An event, POSTed to each webhook that subscribed to its type',
      tags: ['Webhooks'],
      security: [],
      description:
        'Verify `Rastreo-Signature` before trusting the body: `t=<unix seconds>,v1=<hex HMAC-SHA256 with the webhook secret over ' +
        '"<t>.<raw body>">` — or the Standard Webhooks headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`) with any of that ' +
        "specification's libraries and the secret as shown. Answer 2xx within 10 s; anything else is retried with exponential backoff, " +
        'then the delivery is `failed`. Deliveries to one webhook are made in event order. Delivery is at least once: dedupe by the event id.',
      parameters: [
        {
          name: 'Rastreo-Event-Id',
          in: 'header',
          required: true,
          schema: { type: 'string' },
          example: '1042',
          description: 'The event id',
        },
        {
          name: 'Rastreo-Signature',
          in: 'header',
          required: true,
          schema: { type: 'string', pattern: '^t=\\d+,v1=[0-9a-f]{64}$' },
          example: 't=1796091200,v1=5f1c9d0e0b7a6c3d2e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f809',
          description: 'The signature',
        },
        {
          name: 'webhook-id',
          in: 'header',
          required: true,
          schema: { type: 'string' },
          example: '1042',
          description: 'Standard Webhooks: the event id',
        },
        {
          name: 'webhook-timestamp',
          in: 'header',
          required: true,
          schema: { type: 'string', pattern: '^\\d+$' },
          example: '1796091200',
          description: 'Standard Webhooks: unix seconds',
        },
        {
          name: 'webhook-signature',
          in: 'header',
          required: true,
          schema: { type: 'string', pattern: '^v1,[A-Za-z0-9+/]+=*$' },
          example: 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
          description: 'Standard Webhooks: `v1,<base64 HMAC-SHA256 over "<id>.<timestamp>.<body>">`',
        },
      ],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: Event, example: exampleOf(JSON.parse(JSON.stringify(Event))) } },
      },
      responses: {
        '2XX': { description: 'Received: the delivery is done' },
        '4XX': { description: 'Refused (a bad signature, say): retried like any failure' },
      },
    },
  },
};
