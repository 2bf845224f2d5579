import type { Readable } from 'node:stream';

/**
 * Where attachment bytes live. Keys are made by the server alone (`originals/<uuid>`, `thumbnails/<uuid>`): no name,
 * no reference, no file name from the uploader ever becomes part of a key or a path.
 */
export interface ObjectStore {
  readonly kind: 'local' | 's3';
  /** Stores the file at `path` under `key`; the store checks the SHA-256 where it can (S3 does, server side). */
  put(key: string, path: string, meta: { size: number; sha256: string; contentType: string }): Promise<void>;
  putBytes(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** The object's bytes; undefined when there is no such object. */
  get(key: string): Promise<Readable | undefined>;
  delete(key: string): Promise<void>;
  /** Every key stored before `before` (the sweeper's candidates). */
  keysBefore(before: Date): AsyncIterable<string>;
  /** Makes the store ready (the directory, the bucket). */
  prepare(): Promise<void>;
}

export const KEY = /^(originals|thumbnails)\/[0-9a-f-]{36}$/;
export function checkedKey(key: string): string {
  if (!KEY.test(key)) throw new Error(`not an attachment key: ${key}`);
  return key;
}
