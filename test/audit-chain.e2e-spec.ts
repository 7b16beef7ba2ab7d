import { hashInputOf } from '../src/audit/audit-reader.service';
import { StoredAuditRow } from '../src/audit/audit.queries';
import { auditHash, AuditService } from '../src/audit/audit.service';
import { createTestApp, TestApp } from './support/app';
import { bearer, login } from './support/auth';
import { describeWith } from './support/drivers';
import { eventually } from './support/eventually';

/** The chain stays one valid line whatever the writers do at the same time, and whatever the values look like. */
describe('audit chain under concurrency and with awkward values', () => {
  let t: TestApp;
  let audit: AuditService;
  beforeAll(async () => {
    t = await createTestApp();
    audit = t.app.get(AuditService);
  });
  afterAll(() => t.close());

  const verify = async () => (await t.http().get('/api/v1/audit/verify').set(t.auth('auditor')).expect(200)).body;
  // the newest entry, once the sealer (nudged by the write) has linked it into the chain
  const lastRow = (): Promise<StoredAuditRow & { prev_hash: string; hash: string }> =>
    eventually('the newest entry sealed', async () => {
      const [row] = await t.dataSource.query(`SELECT *, seq::text AS seq FROM audit_event e ORDER BY e.seq DESC LIMIT 1`);
      return row.hash !== null && row;
    });
  const record = (after: unknown, extra: { entityId?: string; actorLabel?: string } = {}) =>
    t.dataSource.transaction((m) =>
      audit.record(m, {
        action: 'test.value',
        entityType: 'test',
        entityId: extra.entityId ?? null,
        before: null,
        after,
        actor: null,
        actorLabel: extra.actorLabel,
      }),
    );

  describe('values the database stores differently from how JavaScript holds them', () => {
    it('hashes what is stored: a lone UTF-16 surrogate in a text column does not break the chain', async () => {
      await record({ x: 1 }, { entityId: 'sak-\ud800', actorLabel: 'skript-\udc00' });
      const row = await lastRow();
      expect(row.entity_id).toBe('sak-\ufffd');
      expect(auditHash(row.prev_hash, hashInputOf(row))).toBe(row.hash);
      expect(await verify()).toMatchObject({ ok: true });
    });

    it('records a lone surrogate or NUL character inside the diff instead of failing the operation', async () => {
      await record({ reason: 'halv \ud83d', note: 'null\u0000tegn' });
      const row = await lastRow();
      expect(row.diff).toEqual({ reason: { before: null, after: 'halv \ufffd' }, note: { before: null, after: 'null\ufffdtegn' } });
      expect(await verify()).toMatchObject({ ok: true });
    });

    it('keeps a "__proto__" key of recorded content, and covers it by the hash', async () => {
      await record({ content: JSON.parse('{"__proto__": {"budget": 100}, "title": "Velferdsteknologi"}') });
      const row = await lastRow();
      expect(row.diff).toEqual({
        content: { before: null, after: JSON.parse('{"__proto__": {"budget": 100}, "title": "Velferdsteknologi"}') },
      });
      expect(await verify()).toMatchObject({ ok: true });
      // the key is part of what is hashed: changing it breaks the entry
      const forged = {
        ...row,
        diff: { content: { before: null, after: JSON.parse('{"__proto__": {"budget": 999}, "title": "Velferdsteknologi"}') } },
      };
      expect(auditHash(row.prev_hash, hashInputOf(forged))).not.toBe(row.hash);
    });

    it('hashes numbers, dates and key order the same way before and after a round trip through jsonb', async () => {
      await record({
        big: 1e21,
        small: 1.5e-7,
        sum: 0.1 + 0.2,
        negZero: -0,
        at: new Date('2025-03-01T12:00:00.123Z'),
        nested: { é: 1, 'e\u0301': 2, b: [3, { z: 1, a: 2 }] },
      });
      const row = await lastRow();
      expect(auditHash(row.prev_hash, hashInputOf(row))).toBe(row.hash);
      expect(await verify()).toMatchObject({ ok: true });
    });
  });

  describeWith('DATABASE_URL', 'concurrent writers on PostgreSQL', () => {
    it('keeps one valid chain when 30 audited operations commit at the same time', async () => {
      const before = (await verify()).count;
      const officer = await login(t, 'officer@demo.local');
      const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          i % 3 === 0
            ? t
                .http()
                .post('/api/v1/api-tokens')
                .set(bearer(officer.accessToken))
                .send({ name: `skript-${i}`, scopes: ['calls:read'], expiresAt })
            : i % 3 === 1
              ? t
                  .http()
                  .post('/api/v1/users')
                  .set(t.auth('admin'))
                  .send({ email: `samtidig-${i}@demo.local`, displayName: `Samtidig ${i}`, roles: ['evaluator'] })
              : t
                  .http()
                  .post('/api/v1/auth/login')
                  .send({ email: `ukjent-${i}@demo.local`, password: 'feil-passord' }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([...Array(10).fill(201), ...Array(10).fill(201), ...Array(10).fill(401)].sort());
      const report = await verify();
      expect(report).toMatchObject({ ok: true });
      expect(report.count).toBeGreaterThanOrEqual(before + 30);
      const [forks] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM (SELECT prev_hash FROM audit_event GROUP BY prev_hash HAVING count(*) > 1) f`,
      );
      expect(forks.n).toBe(0);
    });

    it('lets a REPEATABLE READ writer whose snapshot predates the newest entry append without forking the chain', async () => {
      // before the seal moved off the writers' path such a writer failed with 40001; now it does not link anything itself
      const qr = t.dataSource.createQueryRunner();
      await qr.connect();
      try {
        await qr.query('START TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        await qr.query('SELECT count(*) FROM audit_event'); // the snapshot is taken here
        await record({ step: 'committed while the other transaction was open' });
        await audit.record(qr.manager, { action: 'test.stale', entityType: 'test', before: null, after: { step: 'stale' }, actor: null });
        await qr.query('COMMIT');
      } finally {
        await qr.release();
      }
      const row = await lastRow();
      expect(row.action).toBe('test.stale');
      expect(await verify()).toMatchObject({ ok: true, unsealed: 0 });
    });
  });
});
