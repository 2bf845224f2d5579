import compression from 'compression';
import type { Request, Response } from 'express';

/**
 * Responses compressed for a client that asks (`Accept-Encoding`: br first, then gzip), over 1 KiB: a police post on a
 * 400 kbit/s link receives a page of traces in a fifth of the bytes. Never the live event stream (each message must
 * leave when it is written, not when a compressor's buffer fills), and never a file already compressed at build (it
 * carries its own `Content-Encoding`).
 */
export function compressResponses() {
  return compression({
    threshold: 1024,
    filter: (req: Request, res: Response) =>
      !String(res.getHeader('Content-Type') ?? '').startsWith('text/event-stream') && compression.filter(req, res),
  });
}
