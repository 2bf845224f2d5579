import { sseReader } from '../../src/shared/sse.ts';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  event: { id: string; type: string; occurredAt: string; data: Record<string, unknown> };
  answered: number;
}

/** A webhook receiver on a local port that records every request and answers what `answer` says (200 by default). */
export async function startReceiver(answer: (request: Received, index: number) => number = () => 200) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const request = { headers: req.headers, body, event: JSON.parse(body), answered: 0 };
      request.answered = answer(request, received.length);
      received.push(request);
      res.writeHead(request.answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface StreamMessage {
  id: string;
  event: string;
  data: { id: string; type: string; occurredAt: string; data: Record<string, any> };
}

/** A live event stream read as a client would (fetch, since EventSource cannot send a bearer token). */
export async function openStream(baseUrl: string, token: string, lastEventId?: string) {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/api/v1/events/stream`, {
    headers: { authorization: `Bearer ${token}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    signal: controller.signal,
  });
  const messages: StreamMessage[] = [];
  /** The `retry:` field of the stream, once read. */
  let retry: string | undefined;
  let ended = false;
  const reading = (async () => {
    const decoder = new TextDecoder();
    const feed = sseReader(
      (message) => {
        if (message.data)
          messages.push({ id: message.id ?? '', event: message.event ?? 'message', data: JSON.parse(message.data) });
      },
      (ms) => (retry ??= String(ms)),
    );
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>)
        feed(decoder.decode(chunk, { stream: true }));
    } catch {
      // aborted
    }
    ended = true;
  })();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    messages,
    get retry() {
      return retry;
    },
    get ended() {
      return ended;
    },
    async close() {
      controller.abort();
      await reading;
    },
  };
}
