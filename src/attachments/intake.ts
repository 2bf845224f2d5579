import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { streamedThrough } from '../platform/streamed-memory.ts';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Request, Response } from 'express';
import { invalidField, Problem } from '../shared/problem.ts';

/** An uploaded file as received: on disk (never whole in memory), with what was counted and hashed on the way. */
export interface Received {
  path: string;
  size: number;
  sha256: string;
  /** The name the uploader's device gave the file: kept as a label only, never used as a path. */
  fileName: string | null;
  fields: Record<string, string>;
  /** Deletes the received file (always called, whatever happens next). */
  discard(): Promise<void>;
}

/** The multipart fields besides `file` that an upload may carry, and the longest value each may have. */
const FIELDS: Record<string, number> = { kind: 64, caption: 2000 };
/** Room for the multipart framing and the fields around the file in a request's `Content-Length`. */
const FRAMING_BYTES = 64 * 1024;

export const tooLarge = (maxBytes: number) =>
  new Problem(
    413,
    'too-large',
    `The file is larger than ${maxBytes} bytes (ATTACHMENT_MAX_BYTES); nothing was stored.`,
  );

/**
 * Receives one `multipart/form-data` upload: the `file` part is streamed to a temporary file while its SHA-256 and size
 * are computed; past `maxBytes` the upload is refused (413) and nothing is kept; a request cut off mid-way keeps
 * nothing either. Each chunk restarts the request's timeout, so a slow link is not a stuck request.
 */
export async function receiveUpload(
  req: Request,
  res: Response,
  maxBytes: number,
  tempDir = tmpdir(),
): Promise<Received> {
  if (!req.is('multipart/form-data'))
    throw new Problem(415, 'unsupported-media-type', 'Send the attachment as multipart/form-data with a `file` part.');
  const declared = Number(req.get('content-length') ?? NaN);
  if (declared > maxBytes + FRAMING_BYTES) throw tooLarge(maxBytes);

  const path = join(tempDir, `rastreo-upload-${randomUUID()}`);
  const discard = () => rm(path, { force: true });
  const stillWorking = (res.locals.stillWorking as (() => void) | undefined) ?? (() => undefined);
  const fields: Record<string, string> = {};
  let fileName: string | null = null;
  let size = 0;
  const hash = createHash('sha256');
  let written: Promise<void> | undefined;
  let fileStream: (NodeJS.ReadableStream & { destroy(error?: Error): void }) | undefined;

  const parsing = new Promise<void>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { files: 1, fileSize: maxBytes, fields: Object.keys(FIELDS).length, fieldSize: 2000, parts: 4 },
      });
    } catch {
      return reject(invalidField('/file', 'the multipart body has no boundary'));
    }
    let failed = false;
    const fail = (problem: Error) => {
      if (failed) return;
      failed = true;
      fileStream?.destroy(problem);
      // What remains of the body is read and dropped (a client sends it all before it reads the answer), up to the
      // size it may have; past that the connection is cut. Either way it closes after the answer.
      req.unpipe(parser);
      let dropped = 0;
      req.on('data', (chunk: Buffer) => {
        dropped += chunk.length;
        if (dropped > maxBytes + FRAMING_BYTES) req.destroy();
      });
      req.resume();
      res.set('Connection', 'close');
      reject(problem);
    };
    parser.on('file', (name, stream, info) => {
      // After a refusal the parser may still hold parts of the chunk it was given: they are dropped.
      if (failed) return stream.resume();
      if (name !== 'file' || written) {
        stream.resume();
        return fail(
          invalidField(`/${name === 'file' ? 'file' : 'fields'}`, 'only one part, named file, may be a file'),
        );
      }
      fileName = info.filename ?? null;
      fileStream = stream;
      stream.on('limit', () => fail(tooLarge(maxBytes)));
      const counting = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          hash.update(chunk);
          streamedThrough(chunk.length);
          stillWorking();
          done(null, chunk);
        },
      });
      written = pipeline(stream, counting, createWriteStream(path));
      written.catch(() => undefined);
    });
    parser.on('field', (name, value, info) => {
      if (failed) return;
      if (!(name in FIELDS)) return fail(invalidField(`/${name.slice(0, 40)}`, 'is not a known field'));
      if (info.valueTruncated || value.length > FIELDS[name]!)
        return fail(invalidField(`/${name}`, `must be at most ${FIELDS[name]} characters`));
      fields[name] = value;
    });
    parser.on('partsLimit', () => fail(invalidField('/file', 'too many parts: send file, kind and caption only')));
    parser.on('filesLimit', () => fail(invalidField('/file', 'only one file per upload')));
    parser.on('fieldsLimit', () => fail(invalidField('/file', 'too many fields: send file, kind and caption only')));
    parser.on('error', () => fail(invalidField('/file', 'the multipart body is malformed or was cut off')));
    parser.on('close', () => resolve());
    req.on('close', () => {
      if (!req.complete && !failed)
        fail(new Problem(400, 'bad-request', 'The upload was cut off; nothing was stored.'));
    });
    req.pipe(parser);
  });

  try {
    await parsing;
    if (!written) throw invalidField('/file', 'is required');
    await written;
    if (size === 0) throw invalidField('/file', 'is empty');
    if (size > maxBytes) throw tooLarge(maxBytes);
  } catch (error) {
    await written?.catch(() => undefined);
    await discard();
    throw error;
  }
  return { path, size, sha256: hash.digest('hex'), fileName, fields, discard };
}
