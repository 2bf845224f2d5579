import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepOrphans } from '../src/attachments/sweeper.ts';
import { S3Store, type S3Settings } from '../src/platform/s3-store.ts';
import { createCase, traceBody, useWorld } from './support/harness.ts';
import { freePort } from './support/processes.ts';
import { download, photo, upload } from './support/uploads.ts';

// Issue 32: the S3 path, against a real S3-API server started here (s3rver) — the same code talks to MinIO or AWS.
const directory = mkdtempSync(join(tmpdir(), 'rastreo-s3rver-'));
const port = await freePort();
const settings: S3Settings = {
  endpoint: `http://127.0.0.1:${port}`,
  bucket: 'rastreo-evidence',
  region: 'us-east-1',
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
  forcePathStyle: true,
};
const server = new S3rver({ port, address: '127.0.0.1', silent: true, directory });
await server.run();
const store = new S3Store(settings);
await store.prepare();
const t = useWorld({ attachments: { store, maxBytes: 5 * 1024 * 1024 } });

const raw = new S3Client({
  endpoint: settings.endpoint,
  region: settings.region,
  forcePathStyle: true,
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
});
const keys = async () =>
  ((await raw.send(new ListObjectsV2Command({ Bucket: settings.bucket }))).Contents ?? []).map((o) => o.Key!).sort();

let trace: { id: string };
beforeAll(async () => {
  const kase = await createCase(t.client, t.users.investigator.token);
  trace = (await t.client.as(t.users.investigator.token).post('/traces', traceBody(kase.id))).body;
});
afterAll(async () => {
  store.close();
  raw.destroy();
  await server.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('attachments in S3-compatible storage', () => {
  it('stores the original and its thumbnail under keys that reveal nothing, and serves them back byte for byte', async () => {
    const bytes = await photo(1024, 768);
    const res = await upload(
      t.client,
      t.users.investigator.token,
      `/traces/${trace.id}/attachments`,
      { bytes, name: 'Pérez - serial.jpg' },
      { kind: 'serial' },
    );
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    expect(await keys()).toEqual(expect.arrayContaining([`originals/${id}`, `thumbnails/${id}`]));
    for (const key of await keys()) expect(key).toMatch(/^(originals|thumbnails)\/[0-9a-f-]{36}$/);

    const original = await download(t.client, t.users.investigator.token, `/attachments/${id}/content`);
    expect(original.bytes.equals(bytes)).toBe(true);
    expect(createHash('sha256').update(original.bytes).digest('hex')).toBe(res.body.sha256);
    const thumbnail = await download(t.client, t.users.investigator.token, `/attachments/${id}/thumbnail`);
    expect((await sharp(thumbnail.bytes).metadata()).width).toBe(320);
  });

  it('a failed row leaves no object; the sweeper lists the bucket and removes what no row names', async () => {
    const before = await keys();
    await t.db.raw(`
      CREATE OR REPLACE FUNCTION test_refuse_s3() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
      CREATE OR REPLACE TRIGGER test_refuse_s3 BEFORE INSERT ON attachments FOR EACH ROW EXECUTE FUNCTION test_refuse_s3();
    `);
    try {
      const res = await upload(t.client, t.users.investigator.token, `/traces/${trace.id}/attachments`, {
        bytes: await photo(640, 480),
      });
      expect(res.status).toBe(500);
    } finally {
      await t.db.raw('DROP TRIGGER test_refuse_s3 ON attachments; DROP FUNCTION test_refuse_s3()');
    }
    expect(await keys()).toEqual(before);

    const orphan = `originals/${crypto.randomUUID()}`;
    await store.putBytes(orphan, Buffer.from('left by a crash'), 'image/jpeg');
    expect(await sweepOrphans(t.db, store, new Date(Date.now() + 60_000))).toBe(1);
    expect(await keys()).toEqual(before);
  });

  it('storage that cannot be reached is a 503 with Retry-After, and nothing is recorded', async () => {
    const rows = Number((await t.db('attachments').count({ n: '*' }))[0]!.n);
    await server.close();
    try {
      const res = await upload(t.client, t.users.investigator.token, `/traces/${trace.id}/attachments`, {
        bytes: await photo(300, 300),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('30');
      expect(JSON.stringify(res.body)).not.toContain(String(port));
    } finally {
      await server.run();
    }
    expect(Number((await t.db('attachments').count({ n: '*' }))[0]!.n)).toBe(rows);
  });
});
