import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

import { checkedKey, KEY, type ObjectStore } from './object-store.ts';

/** The embedded default: a directory on the API's disk (`ATTACHMENT_DIR`). */
export class LocalStore implements ObjectStore {
  readonly kind = 'local';
  private readonly root: string;
  constructor(directory: string) {
    this.root = resolve(directory);
  }

  private pathOf(key: string) {
    return join(this.root, checkedKey(key));
  }

  async prepare() {
    await Promise.all(['originals', 'thumbnails'].map((dir) => mkdir(join(this.root, dir), { recursive: true })));
  }

  async put(key: string, path: string) {
    const target = this.pathOf(key);
    // Copied beside its place, then renamed into it: a crash never leaves half an object under a key.
    const partial = `${target}.partial`;
    await mkdir(dirname(target), { recursive: true });
    await copyFile(path, partial);
    await rename(partial, target);
  }

  async putBytes(key: string, bytes: Buffer, _contentType?: string) {
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(`${target}.partial`, bytes);
    await rename(`${target}.partial`, target);
  }

  async get(key: string) {
    const path = this.pathOf(key);
    try {
      await stat(path);
    } catch {
      return undefined;
    }
    return createReadStream(path);
  }

  async delete(key: string) {
    const path = this.pathOf(key);
    await Promise.all([rm(path, { force: true }), rm(`${path}.partial`, { force: true })]);
  }

  async *keysBefore(before: Date) {
    for (const dir of ['originals', 'thumbnails']) {
      let names: string[];
      try {
        names = await readdir(join(this.root, dir));
      } catch {
        continue;
      }
      for (const name of names) {
        const key = `${dir}/${name.replace(/\.partial$/, '')}`;
        if (!KEY.test(key)) continue;
        const info = await stat(join(this.root, dir, name)).catch(() => undefined);
        if (info && info.mtime < before) yield key;
      }
    }
  }
}
