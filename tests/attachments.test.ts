import { createHash } from 'node:crypto';
import { mkdtempSync, watch } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFParse } from 'pdf-parse';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { LocalStore } from '../src/platform/local-store.ts';
import { sweepOrphans } from '../src/attachments/sweeper.ts';
import { createCase, createUser, intakeItem, traceBody, unique, useWorld } from './support/harness.ts';
import { waitFor } from './support/processes.ts';
import {
  rawUpload,
  cutUpload,
  download,
  htmlPage,
  noisyPhoto,
  pdfDocument,
  photo,
  png,
  pngBomb,
  upload,
  zipFile,
} from './support/uploads.ts';

// Issue 32: evidence photographs and documents on traces, stockpile items, stolen reports and destructions.
const storeDir = mkdtempSync(join(tmpdir(), 'rastreo-attachments-test-'));
const receiving = mkdtempSync(join(tmpdir(), 'rastreo-attachments-receiving-'));
const MAX_BYTES = 2 * 1024 * 1024;
const t = useWorld({
  attachments: { store: new LocalStore(storeDir), maxBytes: MAX_BYTES, tempDir: receiving },
  destructionPhotosRequired: true,
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const storedObjects = async () =>
  (await Promise.all(['originals', 'thumbnails'].map((dir) => readdir(join(storeDir, dir)).catch(() => [])))).flat();
const rowsFor = async (column: string, id: string) =>
  Number((await t.db('attachments').where(column, id).count({ n: '*' }))[0]!.n);

let trace: { id: string };
let neighbourTrace: { id: string };
let item: { id: string };
let report: { id: string };
const investigator = () => t.users.investigator.token;
const manager = () => t.users.stockpile.token;

beforeAll(async () => {
  const kase = await createCase(t.client, investigator());
  trace = (await t.client.as(investigator()).post('/traces', traceBody(kase.id))).body;
  const neighbour = await createUser(t.db, t.neighbour.id, 'investigator');
  const theirCase = await createCase(t.client, neighbour.token);
  neighbourTrace = (await t.client.as(neighbour.token).post('/traces', traceBody(theirCase.id))).body;
  item = await intakeItem(t.client, manager());
  report = (
    await t.client.as(investigator()).post('/stolen-reports', {
      weapon: {
        manufacturer: 'Beretta',
        model: '92FS',
        caliber: '9mm',
        type: 'pistol',
        serialNumber: unique('BER'),
        countryOfManufacture: 'IT',
      },
      kind: 'stolen',
      lostOn: '2026-10-02',
      sourceType: 'police_issue',
      circumstances: 'Sustraída del vehículo patrulla.',
    })
  ).body;
});

describe('attaching a photograph', () => {
  it('keeps the original byte for byte with its SHA-256, a thumbnail without metadata, the EXIF time, and audits each read', async () => {
    const bytes = await photo(1600, 1200);
    const res = await upload(
      t.client,
      investigator(),
      `/traces/${trace.id}/attachments`,
      { bytes, name: 'IMG_0042.jpg' },
      { kind: 'serial', caption: '  Serial on the slide, left side  ' },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'serial',
      caption: 'Serial on the slide, left side',
      fileName: 'IMG_0042.jpg',
      contentType: 'image/jpeg',
      size: bytes.length,
      sha256: sha256(bytes),
      width: 1600,
      height: 1200,
      // 14:25:09 at UTC−6, as the camera wrote it.
      takenAt: '2026-11-03T20:25:09.000Z',
      hasThumbnail: true,
      createdBy: t.users.investigator.id,
      retracted: null,
    });
    expect(res.headers.get('location')).toBe(`/api/v1/attachments/${res.body.id}`);

    const original = await download(t.client, investigator(), `/attachments/${res.body.id}/content`);
    expect(original.status).toBe(200);
    expect(original.headers.get('content-type')).toBe('image/jpeg');
    expect(original.bytes.equals(bytes)).toBe(true);
    expect(original.headers.get('content-disposition')).toContain('IMG_0042.jpg');

    const thumbnail = await download(t.client, investigator(), `/attachments/${res.body.id}/thumbnail`);
    expect(thumbnail.status).toBe(200);
    const meta = await sharp(thumbnail.bytes).metadata();
    expect(meta.format).toBe('jpeg');
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(320);
    // No EXIF at all: no GPS, no camera serial, no time.
    expect(meta.exif).toBeUndefined();
    expect(thumbnail.bytes.includes(Buffer.from('SN-CAMERA-0042'))).toBe(false);

    const list = await t.client.as(investigator()).get(`/traces/${trace.id}/attachments`);
    expect(list.body.items.map((a: { id: string }) => a.id)).toContain(res.body.id);
    // The advisor of the region reads them too (who may read the record may read its attachments).
    expect((await t.client.as(t.users.advisor.token).get(`/traces/${trace.id}/attachments`)).status).toBe(200);

    const audited = await t.db('audit_log').where({ entity: 'attachment', entity_id: res.body.id }).orderBy('id');
    expect(audited.map((row) => [row.action, row.details.representation ?? null])).toEqual([
      ['attachment.created', null],
      ['attachment.read', 'original'],
      ['attachment.read', 'thumbnail'],
    ]);
    // The key in storage reveals nothing: a random id, not a name, a reference or the file's name.
    const row = await t.db('attachments').where({ id: res.body.id }).first();
    expect(row.object_key).toBe(`originals/${res.body.id}`);
  });

  it('takes PNG and WebP images and PDF documents (no thumbnail for a PDF), on every kind of record', async () => {
    const webp = await sharp(await png())
      .webp()
      .toBuffer();
    const cases = [
      [investigator(), `/traces/${trace.id}`, await png(), 'image/png'],
      [manager(), `/stockpile/items/${item.id}`, webp, 'image/webp'],
      [investigator(), `/stolen-reports/${report.id}`, pdfDocument(), 'application/pdf'],
      [manager(), `/stolen-reports/${report.id}`, await photo(640, 480), 'image/jpeg'],
    ] as const;
    for (const [token, path, bytes, type] of cases) {
      const res = await upload(t.client, token, `${path}/attachments`, { bytes, name: 'x' }, { kind: 'document' });
      expect(res.status, `${path} ${type}`).toBe(201);
      expect(res.body.contentType).toBe(type);
      expect(res.body.hasThumbnail).toBe(type !== 'application/pdf');
      if (type === 'application/pdf') {
        expect(res.body.width).toBeNull();
        expect((await download(t.client, token, `/attachments/${res.body.id}/thumbnail`)).status).toBe(404);
        const pdf = await download(t.client, token, `/attachments/${res.body.id}/content`);
        expect(pdf.headers.get('content-disposition')).toMatch(/^attachment;/);
      }
    }
  });

  it('decides the type by the content: a ".jpg" that is a ZIP or an HTML page → 415, nothing stored', async () => {
    const before = await storedObjects();
    for (const bytes of [zipFile(), htmlPage(), Buffer.from('plain text, not a photograph')]) {
      const res = await upload(t.client, investigator(), `/traces/${trace.id}/attachments`, {
        bytes,
        name: 'foto.jpg',
        type: 'image/jpeg',
      });
      expect(res.status).toBe(415);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
    expect(await storedObjects()).toEqual(before);
  });

  it('refuses an image that does not decode, and a decompression bomb, with 400 — without decoding it', async () => {
    const whole = await png(800, 600);
    const bomb = pngBomb();
    expect(bomb.length).toBeLessThan(10_000);
    for (const [bytes, what] of [
      [whole.subarray(0, Math.floor(whole.length / 2)), 'cut in half'],
      [Buffer.concat([whole.subarray(0, 40), Buffer.alloc(200, 7)]), 'garbage after the header'],
      [bomb, '50,000 × 50,000 pixels'],
    ] as const) {
      const res = await upload(t.client, investigator(), `/traces/${trace.id}/attachments`, { bytes, name: 'a.png' });
      expect(res.status, what).toBe(400);
      expect(res.body.errors[0].path, what).toBe('/file');
    }
    expect(await rowsFor('trace_id', trace.id)).toBeGreaterThan(0);
  });

  it('refuses more than ATTACHMENT_MAX_BYTES with 413, whether the size was declared or not, and stores nothing', async () => {
    const big = await noisyPhoto(2000, 1500);
    expect(big.length).toBeGreaterThan(MAX_BYTES);
    const before = await storedObjects();
    const rows = await rowsFor('trace_id', trace.id);
    const declared = await upload(t.client, investigator(), `/traces/${trace.id}/attachments`, { bytes: big });
    expect(declared.status).toBe(413);
    // Sent without a length (chunked): counted as it arrives.
    const res = await fetch(`${t.client.baseUrl}/api/v1/traces/${trace.id}/attachments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${investigator()}`,
        'content-type': 'multipart/form-data; boundary=b0undary',
      },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(
            Buffer.from(
              '--b0undary\r\nContent-Disposition: form-data; name="kind"\r\n\r\nmarking\r\n--b0undary\r\n' +
                'Content-Disposition: form-data; name="file"; filename="big.jpg"\r\n\r\n',
            ),
          );
          for (let at = 0; at < big.length; at += 64 * 1024) controller.enqueue(big.subarray(at, at + 64 * 1024));
          controller.enqueue(Buffer.from('\r\n--b0undary--\r\n'));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit).catch((error: unknown) => ({ status: 0, error }));
    expect([413, 0]).toContain(res.status);
    if (res.status === 0) expect(String((res as { error: unknown }).error)).toMatch(/fetch failed|reset|closed/i);
    expect(await storedObjects()).toEqual(before);
    expect(await rowsFor('trace_id', trace.id)).toBe(rows);
  });

  it('keeps nothing of an upload whose connection is cut mid-way', async () => {
    const bytes = await noisyPhoto(600, 500);
    const before = await storedObjects();
    const rows = await rowsFor('trace_id', trace.id);
    // The server receives into its own directory: the upload's file appears there, then goes when the cut is seen.
    const seen = new Set<string>();
    const watcher = watch(receiving, (_event, name) => name && seen.add(name));
    try {
      await cutUpload(t.client, investigator(), `/traces/${trace.id}/attachments`, bytes, Math.floor(bytes.length / 2));
      await waitFor(async () => seen.size > 0 && (await readdir(receiving)).length === 0, 'the cut upload discarded');
    } finally {
      watcher.close();
    }
    expect(await rowsFor('trace_id', trace.id)).toBe(rows);
    expect(await storedObjects()).toEqual(before);
  });

  it('stores any file name safely as a label and never as a path', async () => {
    const bytes = await photo(320, 240);
    const names = [
      'filename="../../etc/passwd.jpg"',
      `filename*=UTF-8''${encodeURIComponent('foto\u0000.jpg')}`,
      `filename*=UTF-8''${encodeURIComponent('../../../var/lib/postgresql/x.jpg')}`,
      `filename="${'x'.repeat(4000)}.jpg"`,
      'filename="C:\\Windows\\foto.jpg"',
    ];
    for (const disposition of names) {
      const res = await rawUpload(t.client, investigator(), `/traces/${trace.id}/attachments`, disposition, bytes);
      expect(res.status, disposition.slice(0, 30)).toBe(201);
      expect(res.body.fileName.length).toBeLessThanOrEqual(255);
      expect(res.body.fileName).not.toMatch(/[/\\\p{Cc}]/u);
      const back = await download(t.client, investigator(), `/attachments/${res.body.id}/content`);
      expect(back.bytes.equals(bytes)).toBe(true);
    }
    for (const key of await storedObjects()) expect(key).toMatch(/^[0-9a-f-]{36}$/);
    // A raw NUL inside the part's header is not a well-formed body: refused, nothing stored.
    const raw = await rawUpload(
      t.client,
      investigator(),
      `/traces/${trace.id}/attachments`,
      'filename="a\u0000.jpg"',
      bytes,
    );
    expect(raw.status).toBe(400);
  });

  it('a retried upload with the same Idempotency-Key is one attachment; the key with another file → 409', async () => {
    const bytes = await photo(500, 400, '#123456');
    const key = unique('upload-');
    const first = await upload(t.client, investigator(), `/traces/${trace.id}/attachments`, { bytes }, undefined, {
      'idempotency-key': key,
    });
    const again = await upload(t.client, investigator(), `/traces/${trace.id}/attachments`, { bytes }, undefined, {
      'idempotency-key': key,
    });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(
      await t
        .db('attachments')
        .where({ sha256: sha256(bytes) })
        .count({ n: '*' }),
    ).toEqual([{ n: 1 }]);
    const other = await upload(
      t.client,
      investigator(),
      `/traces/${trace.id}/attachments`,
      { bytes: await photo(500, 400, '#654321') },
      undefined,
      { 'idempotency-key': key },
    );
    expect(other.status).toBe(409);
    expect(other.body.type).toBe('/problems/idempotency-key-reused');
  });

  it('validates the fields: kind required and known, caption visible and short, exactly one file', async () => {
    const bytes = await photo(200, 200);
    const path = `/traces/${trace.id}/attachments`;
    const cases: [Record<string, string>, boolean, string][] = [
      [{}, true, '/kind'],
      [{ kind: 'selfie' }, true, '/kind'],
      [{ kind: 'marking', caption: '\u200b \u00a0' }, true, '/caption'],
      [{ kind: 'marking', caption: 'x'.repeat(501) }, true, '/caption'],
      [{ kind: 'marking', extra: 'x' }, true, '/extra'],
      [{ kind: 'marking' }, false, '/file'],
    ];
    for (const [fields, withFile, path_] of cases) {
      const res = await upload(t.client, investigator(), path, withFile ? { bytes } : undefined, fields);
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path_);
    }
    const json = await t.client.as(investigator()).post(path, { kind: 'marking' });
    expect(json.status).toBe(415);
  });
});

describe('who may attach and read', () => {
  it('another agency’s record → 404; a role that does not write the record → 403; reading follows the record', async () => {
    const bytes = await photo(300, 200);
    expect((await upload(t.client, investigator(), `/traces/${neighbourTrace.id}/attachments`, { bytes })).status).toBe(
      404,
    );
    expect((await t.client.as(investigator()).get(`/traces/${neighbourTrace.id}/attachments`)).status).toBe(404);
    expect((await upload(t.client, manager(), `/traces/${trace.id}/attachments`, { bytes })).status).toBe(403);
    expect((await upload(t.client, t.users.advisor.token, `/traces/${trace.id}/attachments`, { bytes })).status).toBe(
      403,
    );
    expect((await upload(t.client, investigator(), `/stockpile/items/${item.id}/attachments`, { bytes })).status).toBe(
      403,
    );
    expect(
      (await upload(t.client, investigator(), `/traces/00000000-0000-4000-8000-000000000000/attachments`, { bytes }))
        .status,
    ).toBe(404);

    // An item's photograph: the stockpile reads it; an investigator (who does not read the stockpile) does not.
    const kept = await upload(t.client, manager(), `/stockpile/items/${item.id}/attachments`, { bytes });
    expect(kept.status).toBe(201);
    expect((await download(t.client, investigator(), `/attachments/${kept.body.id}/content`)).status).toBe(404);
    expect((await t.client.as(investigator()).get(`/stockpile/items/${item.id}/attachments`)).status).toBe(403);
    // Another agency's manager, outside the region's view: as if it did not exist.
    const stranger = await createUser(t.db, t.faraway.id, 'stockpile_manager');
    expect((await download(t.client, stranger.token, `/attachments/${kept.body.id}/content`)).status).toBe(404);
    expect((await t.client.as(stranger.token).get(`/attachments/${kept.body.id}`)).status).toBe(404);
    expect((await t.client.as(t.users.admin.token).get(`/attachments/${kept.body.id}`)).status).toBe(200);
  });

  it('retracting hides an attachment from lists and keeps it (audited); twice → 409; the database refuses deleting or editing it', async () => {
    const bytes = await photo(300, 300, '#222222');
    const kept = await upload(t.client, investigator(), `/traces/${trace.id}/attachments`, { bytes });
    expect(
      (await t.client.as(t.users.advisor.token).post(`/attachments/${kept.body.id}/retract`, { reason: 'x' })).status,
    ).toBe(403);
    const retracted = await t.client
      .as(investigator())
      .post(`/attachments/${kept.body.id}/retract`, { reason: 'Fotografía de otra arma' });
    expect(retracted.status).toBe(200);
    expect(retracted.body.retracted).toMatchObject({ by: t.users.investigator.id, reason: 'Fotografía de otra arma' });
    const list = await t.client.as(investigator()).get(`/traces/${trace.id}/attachments`);
    expect(list.body.items.map((a: { id: string }) => a.id)).not.toContain(kept.body.id);
    // Kept: still readable by id, byte for byte.
    expect((await download(t.client, investigator(), `/attachments/${kept.body.id}/content`)).bytes.equals(bytes)).toBe(
      true,
    );
    const twice = await t.client.as(investigator()).post(`/attachments/${kept.body.id}/retract`, { reason: 'again' });
    expect(twice.status).toBe(409);
    expect(twice.body.type).toBe('/problems/already-retracted');
    expect(
      await t.db('audit_log').where({ action: 'attachment.retracted', entity_id: kept.body.id }).count({ n: '*' }),
    ).toEqual([{ n: 1 }]);
    await expect(t.db('attachments').where({ id: kept.body.id }).delete()).rejects.toThrow(/only be retracted/);
    await expect(
      t
        .db('attachments')
        .where({ id: kept.body.id })
        .update({ sha256: 'f'.repeat(64) }),
    ).rejects.toThrow(/only be retracted/);
  });
});

describe('a destruction’s photographs', () => {
  it('are required before verification; attaching to or retracting from a verified destruction → 409', async () => {
    const toDestroy = await intakeItem(t.client, manager());
    const plan = await t.client.as(manager()).post('/destructions', {
      plannedFor: '2026-12-01',
      method: 'crushing',
      location: 'Bodega central',
      itemIds: [toDestroy.id],
    });
    expect(plan.status).toBe(201);
    const path = `/destructions/${plan.body.id}/attachments`;
    const before = await upload(
      t.client,
      manager(),
      path,
      { bytes: await photo(800, 600) },
      { kind: 'before_destruction' },
    );
    expect(before.status).toBe(201);
    await t.client.as(manager()).post(`/destructions/${plan.body.id}/complete`, {
      performedAt: '2026-11-21T10:00:00Z',
      witnesses: [
        { name: 'Ana Pérez', organization: 'Fiscalía' },
        { name: 'Luis Gómez', organization: 'PNC' },
      ],
    });
    const early = await t.client.as(t.users.advisor.token).post(`/destructions/${plan.body.id}/verify`, {});
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ type: '/problems/destruction-photos-missing', missing: ['after_destruction'] });
    // Photographs may still come after completion (the record takes attachments whatever its status until verified).
    const after = await upload(
      t.client,
      manager(),
      path,
      { bytes: await photo(800, 600, '#333') },
      {
        kind: 'after_destruction',
      },
    );
    expect(after.status).toBe(201);
    const verified = await t.client.as(t.users.advisor.token).post(`/destructions/${plan.body.id}/verify`, {});
    expect(verified.status).toBe(200);

    const late = await upload(t.client, manager(), path, { bytes: await photo(200, 200) }, { kind: 'document' });
    expect(late.status).toBe(409);
    expect(late.body.type).toBe('/problems/attachments-closed');
    const retract = await t.client.as(manager()).post(`/attachments/${after.body.id}/retract`, { reason: 'x' });
    expect(retract.status).toBe(409);
    expect(retract.body.type).toBe('/problems/attachments-closed');
    // The certificate prints them, before and after (each print of a photograph audited as a read).
    const certificate = await download(t.client, manager(), `/destructions/${plan.body.id}/certificate`);
    expect(certificate.status).toBe(200);
    const text = (await new PDFParse({ data: new Uint8Array(certificate.bytes) }).getText()).text;
    for (const words of ['Fotografías / Photographs', 'Antes / Before', 'Después / After'])
      expect(text).toContain(words);
    expect(certificate.bytes.toString('latin1').match(/\/Subtype \/Image/g)).toHaveLength(2);
    expect(
      await t
        .db('audit_log')
        .where({ action: 'attachment.read', entity_id: after.body.id })
        .whereRaw(`details->>'representation' = 'certificate'`)
        .count({ n: '*' }),
    ).toEqual([{ n: 1 }]);
    // Investigators do not read destructions, nor their photographs.
    expect((await download(t.client, investigator(), `/attachments/${before.body.id}/content`)).status).toBe(404);
  });
});

describe('storage', () => {
  it('leaves no object behind when the row cannot be recorded, and the sweeper removes what a crash leaves', async () => {
    await t.db.raw(`
      CREATE OR REPLACE FUNCTION test_refuse_attachment() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.caption = 'refuse me' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$;
      CREATE OR REPLACE TRIGGER test_refuse_attachment BEFORE INSERT ON attachments
        FOR EACH ROW EXECUTE FUNCTION test_refuse_attachment();
    `);
    try {
      const before = await storedObjects();
      const res = await upload(
        t.client,
        investigator(),
        `/traces/${trace.id}/attachments`,
        { bytes: await photo() },
        {
          kind: 'overall',
          caption: 'refuse me',
        },
      );
      expect(res.status).toBe(500);
      expect(JSON.stringify(res.body)).not.toMatch(/refused by the test|INSERT|test_refuse/);
      expect(await storedObjects()).toEqual(before);
    } finally {
      await t.db.raw('DROP TRIGGER test_refuse_attachment ON attachments; DROP FUNCTION test_refuse_attachment()');
    }

    // A crash between storing and recording: objects no row names. The sweeper takes them once old enough.
    const store = new LocalStore(storeDir);
    const orphan = `originals/${crypto.randomUUID()}`;
    await store.putBytes(orphan, Buffer.from('orphan'), 'image/jpeg');
    const kept = await storedObjects();
    expect(await sweepOrphans(t.db, store, new Date(Date.now() - 60_000))).toBe(0);
    expect(await sweepOrphans(t.db, store, new Date(Date.now() + 60_000))).toBe(1);
    // Everything else is still there (rows of other test files name objects in stores of their own).
    expect((await storedObjects()).sort()).toEqual(kept.filter((key) => key !== orphan.split('/')[1]).sort());
  });

  it('twenty uploads at once on two cores: every one stored, once', async () => {
    const photos = await Promise.all(
      Array.from({ length: 20 }, (_, n) => photo(1200, 900, `#${(n * 12 + 16).toString(16).padStart(2, '0')}3366`)),
    );
    const answers = await Promise.all(
      photos.map((bytes) => upload(t.client, investigator(), `/traces/${trace.id}/attachments`, { bytes })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    for (const [n, answer] of answers.entries()) expect(answer.body.sha256).toBe(sha256(photos[n]!));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(20);
  }, 60_000);
});
