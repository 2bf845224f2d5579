import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Batcher } from '../src/db/batcher.ts';
import { createCase, createUser, intakeItem, stockWeapon, traceBody, unique, useWorld } from './support/harness.ts';

/**
 * One caller's bad data never hurts another caller: blank-after-trim text is refused by validation at its field on every
 * route that takes a weapon, a shared statement that still fails is split until only the guilty rows fail, and JSON too
 * deep or too large is refused before anything walks it.
 */
const t = useWorld({ privateDatabase: true });

const BLANKS = [' ', '\t', '\u00a0', '\u3000', '\u200b', '\ufeff', ' \u2003\u00a0 '];
const WEAPON_FIELDS = ['manufacturer', 'model', 'caliber', 'serialNumber', 'importer'] as const;

describe('blank-after-trim text', () => {
  it('is refused with 400 at its field on every route that takes a weapon, and nothing is written', async () => {
    const caseId = (await createCase(t.client, t.users.investigator.token)).id;
    const before = await t.db('weapons').count({ n: '*' }).first();
    for (const blank of BLANKS) {
      for (const field of WEAPON_FIELDS) {
        const weapon = { ...stockWeapon(), [field]: blank };
        const traced = await t.as('investigator').post('/traces', traceBody(caseId, { weapon }));
        expect(traced.status, `trace ${field}=${JSON.stringify(blank)}`).toBe(400);
        expect(traced.body.errors).toContainEqual({
          path: `/weapon/${field}`,
          message: 'must contain a visible character',
        });
        const item = await t
          .as('stockpile')
          .post('/stockpile/items', { weapon, source: 'seized', intakeDate: '2026-10-15', storageLocation: 'Bodega' });
        expect(item.status).toBe(400);
        expect(item.body.errors.map((e: { path: string }) => e.path)).toContain(`/weapon/${field}`);
        const report = await t.as('investigator').post('/stolen-reports', {
          weapon,
          kind: 'stolen',
          lostOn: '2026-09-01',
          sourceType: 'civilian',
          circumstances: 'Robada',
        });
        expect(report.status).toBe(400);
        expect(report.body.errors.map((e: { path: string }) => e.path)).toContain(`/weapon/${field}`);
      }
    }
    const bulk = await t
      .as('investigator')
      .post('/traces/bulk', [traceBody(caseId, { weapon: { ...stockWeapon(), model: '\u3000' } })]);
    expect(bulk.status).toBe(200);
    expect(bulk.body.results[0].errors).toContainEqual({
      path: '/weapon/model',
      message: 'must contain a visible character',
    });
    expect(await t.db('weapons').count({ n: '*' }).first()).toEqual(before);
  });

  it('is trimmed of white space and format characters before it is stored and matched', async () => {
    const serial = unique('TRIM');
    const item = await t.as('stockpile').post('/stockpile/items', {
      weapon: { ...stockWeapon(serial), serialNumber: `\u00a0${serial}\u200b `, model: '\u3000PT92\t' },
      source: 'seized',
      intakeDate: '2026-10-15',
      storageLocation: ' Bodega ',
    });
    expect(item.status).toBe(201);
    expect(item.body.weapon).toMatchObject({ serialNumber: serial, model: 'PT92' });
    expect(item.body.storageLocation).toBe('Bodega');
    const caseId = (await createCase(t.client, t.users.investigator.token)).id;
    const traced = await t
      .as('investigator')
      .post('/traces', traceBody(caseId, { weapon: { ...stockWeapon(), serialNumber: ` ${serial}\ufeff` } }));
    expect(traced.status).toBe(201);
    expect(traced.body.weaponId).toBe(item.body.weaponId);
  });

  it('is refused in names, case numbers and free text too', async () => {
    const kase = await t
      .as('investigator')
      .post('/cases', { caseNumber: '\u00a0', title: '\u200b', offense: 'homicide' });
    expect(kase.status).toBe(400);
    expect(kase.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/caseNumber', '/title']);
    const user = await t.as('admin').post('/users', {
      name: '\u3000',
      email: `${unique('b').toLowerCase()}@example.org`,
      role: 'investigator',
      agencyId: t.home.id,
    });
    expect(user.status).toBe(400);
    expect(user.body.errors).toContainEqual({ path: '/name', message: 'must contain a visible character' });
  });
});

describe('concurrent creations of several agencies', () => {
  it("never fail a good request because of another agency's bad one (any subset hostile)", async () => {
    const good = await createCase(t.client, t.users.investigator.token);
    const other = await createUser(t.db, t.neighbour.id, 'investigator');
    const otherCase = await createCase(t.client, other.token);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: 10, maxLength: 40 }),
        fc.constantFrom(...BLANKS),
        async (hostile, blank) => {
          const replies = await Promise.all(
            hostile.map((bad) =>
              bad
                ? t.client
                    .as(other.token)
                    .post('/traces', traceBody(otherCase.id, { weapon: { ...stockWeapon(), serialNumber: blank } }))
                : t.as('investigator').post('/traces', traceBody(good.id)),
            ),
          );
          replies.forEach((reply, i) => expect(reply.status, JSON.stringify(reply.body)).toBe(hostile[i] ? 400 : 201));
        },
      ),
      { numRuns: 8 },
    );
  });
});

describe('a shared statement that fails on one row', () => {
  it("fails only that row's caller; every other row commits", async () => {
    const table = `batch_${unique().toLowerCase()}`;
    await t.db.raw(`CREATE TABLE ${table} (v text NOT NULL CHECK (btrim(v) <> ''), UNIQUE (v))`);
    try {
      const statements: number[] = [];
      const batcher = new Batcher<string, string>(
        async (values) => {
          statements.push(values.length);
          const { rows } = await t.db.raw(`INSERT INTO ${table} (v) SELECT unnest(?::text[]) RETURNING v`, [values]);
          return rows.map((row: { v: string }) => row.v);
        },
        1,
        500,
      );
      const values = Array.from({ length: 90 }, (_, i) => (i % 10 === 3 ? ' ' : `ok-${i}`));
      values.push('ok-1'); // a duplicate of a row in the same batch: a unique violation
      const settled = await Promise.allSettled(values.map((value) => batcher.submit(value)));
      const failed = settled.flatMap((result, i) => (result.status === 'rejected' ? [i] : []));
      const expected = values.flatMap((value, i) => (value === ' ' ? [i] : []));
      // The duplicate and the row it duplicates share a batch: one of the two stands, the other fails alone.
      expect(failed.filter((i) => !expected.includes(i))).toHaveLength(1);
      expect(failed).toEqual(expect.arrayContaining(expected));
      const stored = await t.db(table).count({ n: '*' }).first();
      expect(Number(stored!.n)).toBe(values.length - failed.length);
      expect(statements.length).toBeGreaterThan(1);
    } finally {
      await t.db.raw(`DROP TABLE ${table}`);
    }
  });
});

describe('JSON shape limits', () => {
  const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  it.each([
    ['POST', '/sessions', false],
    ['POST', '/cases', true],
    ['POST', '/traces', true],
    ['POST', '/traces/bulk', true],
  ])(
    '%s %s refuses nesting deeper than 32 levels and more than 10,000 values with 400',
    async (method, path, signedIn) => {
      const client = signedIn ? t.as('investigator') : t.client;
      for (const body of [
        deep(33),
        deep(3000),
        `{"a":${deep(40)}}`,
        JSON.stringify({ caseNumber: Array.from({ length: 10_001 }, () => 1) }),
      ]) {
        const reply = await client.request(method, path, body);
        expect(reply.status, body.slice(0, 40)).toBe(400);
        expect(reply.headers.get('content-type')).toContain('application/problem+json');
        expect(reply.body.instance).toBe(`/api/v1${path}`);
        expect(typeof reply.body.requestId).toBe('string');
      }
      // 32 levels are still read (and answered for what they are, not for their depth).
      const ok = await client.request(method, path, deep(32));
      expect(ok.status).toBeLessThan(500);
      expect(ok.body.detail ?? '').not.toMatch(/nested/);
    },
  );

  it('does not count object keys or characters inside strings', async () => {
    const item = await t.as('stockpile').post('/stockpile/items', {
      weapon: stockWeapon(),
      source: 'seized',
      intakeDate: '2026-10-15',
      storageLocation: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ "a" ',
    });
    expect(item.status).toBe(201);
    await intakeItem(t.client, t.users.stockpile.token);
  });
});
