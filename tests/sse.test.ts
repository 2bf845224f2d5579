import { describe, expect, it } from 'vitest';
import { sseReader, type EventSourceMessage } from '../src/shared/sse.ts';

const read = (...chunks: string[]) => {
  const messages: EventSourceMessage[] = [];
  let retry: number | undefined;
  const feed = sseReader(
    (message) => messages.push(message),
    (ms) => (retry = ms),
  );
  for (const chunk of chunks) feed(chunk);
  return { messages, retry };
};

describe('the Server-Sent Events reader of the web UI, the tests and the bench', () => {
  it('reads CRLF and lone CR line ends like LF', () => {
    expect(read('id: 1\r\ndata: {"a":1}\r\n\r\n').messages).toEqual([{ id: '1', data: '{"a":1}', event: undefined }]);
    // A CR at the end of a chunk may still be followed by LF: the message is complete once the next byte shows it is not.
    expect(read('id: 2\rdata: x\r\r').messages).toEqual([]);
    expect(read('id: 2\rdata: x\r\r', ': next').messages).toEqual([{ id: '2', data: 'x', event: undefined }]);
  });

  it('joins multi-line data with LF, keeps a value after the first space only, and skips comments', () => {
    const { messages } = read(': keep-alive\n\n', 'event: alert\ndata: one\ndata:  two\n\n');
    expect(messages).toEqual([{ id: undefined, event: 'alert', data: 'one\n two' }]);
  });

  it('a message split anywhere across chunks (inside a field, between CR and LF) comes out whole, once', () => {
    const { messages, retry } = read('retry: 3000\n\nid: 7\r', '\ndata: {"b"', ':2}\r\n', '\r\n');
    expect(messages).toEqual([{ id: '7', data: '{"b":2}', event: undefined }]);
    expect(retry).toBe(3000);
  });
});
