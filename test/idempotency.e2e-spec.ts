import { fingerprintOf, idempotencyKeyOf, once } from '../src/database/idempotency';
import { createTestApp, TestApp } from './support/app';

/** The store behind every Idempotency-Key (payments use it): on the real database, with real concurrent transactions. */
describe('idempotency keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.dataSource.query(`CREATE TABLE idem_probe (id serial PRIMARY KEY, what text NOT NULL)`);
  });
  afterAll(() => t.close());

  const at = new Date('2026-11-29T10:00:00Z');
  const request = (key: string, body: unknown) => ({
    scope: 'user-1',
    key,
    fingerprint: fingerprintOf('POST', '/api/v1/payments/x/mark-paid', body),
  });
  const run = (key: string, body: unknown, fail = false) =>
    t.dataSource.transaction((m) =>
      once(m, request(key, body), at, async () => {
        const [row] = await m.query(`INSERT INTO idem_probe (what) VALUES ($1) RETURNING id`, [key]);
        if (fail) throw new Error('refused after the work started');
        return { status: 200, body: { paid: true, probe: row.id } };
      }),
    );
  const count = async (key: string) =>
    Number((await t.dataSource.query(`SELECT count(*) AS n FROM idem_probe WHERE what = $1`, [key]))[0].n);

  it('does the work once for 20 concurrent requests with one key; every one answers with the first response', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => run('k-concurrent', { reference: 'A' })));
    expect(await count('k-concurrent')).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    const first = results.find((r) => !r.replayed)!;
    for (const r of results) expect(r).toMatchObject({ status: 200, body: first.body });
  });

  it('refuses the same key with another body (422), whatever order the fields came in', async () => {
    await run('k-body', { a: 1, b: 2 });
    const same = await run('k-body', { b: 2, a: 1 });
    expect(same.replayed).toBe(true);
    await expect(run('k-body', { a: 1, b: 3 })).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', status: 422 });
    expect(await count('k-body')).toBe(1);
  });

  it('keeps no key from a request that failed: sending it again does the work', async () => {
    await expect(run('k-failed', {}, true)).rejects.toThrow(/refused/);
    const again = await run('k-failed', {});
    expect(again.replayed).toBe(false);
    expect(await count('k-failed')).toBe(1);
  });

  it('checks the header: printable ASCII, 1–200 characters', () => {
    expect(idempotencyKeyOf(undefined)).toBeUndefined();
    expect(idempotencyKeyOf('8e0f-4c1b')).toBe('8e0f-4c1b');
    for (const bad of ['', 'with space', 'x'.repeat(201), 'nøkkel']) {
      expect(() => idempotencyKeyOf(bad)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    }
  });
});
