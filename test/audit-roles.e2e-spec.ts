import { randomBytes } from 'node:crypto';
import { hashInputOf } from '../src/audit/audit-reader.service';
import { StoredAuditRow } from '../src/audit/audit.queries';
import { auditHash } from '../src/audit/audit.service';
import { createTestApp, TestApp } from './support/app';
import { login } from './support/auth';
import { adminQuery, uniqueName } from './support/database';
import { describeWith } from './support/drivers';

/**
 * Production serves as a role that owns nothing: migrations run as the owner, which grants the serving role what the
 * service needs, and on the audit trail only INSERT and SELECT. What that role can still do (insert) is caught by the
 * keyed chain: it does not hold the audit key.
 */
describeWith('DATABASE_URL', 'audit trail: the serving role cannot rewrite it (PostgreSQL, two roles)', () => {
  const role = { name: uniqueName('hto_serving'), password: randomBytes(24).toString('hex') };
  let t: TestApp;
  beforeAll(async () => {
    await adminQuery(process.env.DATABASE_URL!, `CREATE ROLE ${role.name} LOGIN PASSWORD '${role.password}'`);
    t = await createTestApp({ servingRole: role });
  });
  afterAll(async () => {
    await t?.close(); // drops the database, and with it every privilege granted there
    await adminQuery(process.env.DATABASE_URL!, `DROP ROLE IF EXISTS ${role.name}`);
  });

  const verify = async () => (await t.http().get('/api/v1/audit/verify').set(t.auth('auditor')).expect(200)).body;
  const refusal = (sql: string, params: unknown[] = []) =>
    t.dataSource.query(sql, params).then(
      () => 'allowed',
      (e: { driverError?: { code?: string; message?: string } }) => e.driverError?.code,
    );

  it('serves as the serving role, which owns nothing; the app works and its audit entries verify', async () => {
    const [who] = await t.dataSource.query(
      `SELECT current_user AS me, (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'audit_event'::regclass) AS owner`,
    );
    expect(who.me).toBe(role.name);
    expect(who.owner).not.toBe(role.name);
    await login(t, 'officer@demo.local');
    await t
      .http()
      .post('/api/v1/consortia')
      .set(t.auth('applicant'))
      .send({ name: 'Rollesamarbeidet', leadMunicipality: '4601', members: ['4601', '4631'] })
      .expect(201);
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('cannot switch off the append-only trigger, drop it, or update, delete or truncate audit entries', async () => {
    const [{ seq }] = await t.dataSource.query(`SELECT max(seq)::text AS seq FROM audit_event`);
    // 42501: insufficient privilege (must be owner / permission denied), before any trigger is reached
    expect(await refusal(`ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update_delete`)).toBe('42501');
    expect(await refusal(`DROP TRIGGER audit_event_no_update_delete ON audit_event`)).toBe('42501');
    expect(await refusal(`ALTER TABLE audit_event DROP CONSTRAINT audit_event_one_successor`)).toBe('42501');
    expect(await refusal(`UPDATE audit_event SET action = 'x' WHERE seq = $1`, [seq])).toBe('42501');
    expect(await refusal(`DELETE FROM audit_event WHERE seq = $1`, [seq])).toBe('42501');
    expect(await refusal(`TRUNCATE audit_event`)).toBe('42501');
    expect(await refusal(`SELECT setval('audit_event_seq_seq', 1)`)).toBe('42501');
    expect(await refusal(`UPDATE audit_chain_keyed_from SET unkeyed_until = 1000000`)).toBe('42501');
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'x'`);
    expect(n).toBe(0);
  });

  it('an entry it appends itself, linked and hashed correctly but without the key, is reported by /audit/verify', async () => {
    const head = await verify();
    expect(head.ok).toBe(true);
    const [last]: StoredAuditRow[] = await t.dataSource.query(`SELECT *, seq::text AS seq FROM audit_event e ORDER BY e.seq DESC LIMIT 1`);
    const [{ seq }] = await t.dataSource.query(`SELECT nextval('audit_event_seq_seq')::text AS seq`);
    const forged: StoredAuditRow = {
      ...last,
      seq,
      occurred_at: new Date(),
      actor_user_id: t.userIds.approver,
      actor_token_id: null,
      actor_roles: ['approver'],
      actor_label: 'approver@demo.local',
      action: 'application.approved',
      entity_type: 'application',
      entity_id: 'a0000000-0000-4000-8000-000000000001',
      diff: { status: { before: 'ASSESSED', after: 'APPROVED' } },
      request_id: null,
      client_address: null,
      prev_hash: last.hash,
    };
    forged.hash = auditHash(last.hash!, hashInputOf({ ...forged, occurred_at: new Date(new Date(forged.occurred_at).toISOString()) }));
    for (const mac of [null, 'a'.repeat(64)]) {
      await t.dataSource.query(
        `INSERT INTO audit_event (seq, occurred_at, actor_user_id, actor_token_id, actor_roles, actor_label, action, entity_type, entity_id, diff, request_id, client_address, prev_hash, hash, mac)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
        [
          forged.seq,
          forged.occurred_at,
          forged.actor_user_id,
          null,
          forged.actor_roles,
          forged.actor_label,
          forged.action,
          forged.entity_type,
          forged.entity_id,
          JSON.stringify(forged.diff),
          null,
          null,
          forged.prev_hash,
          forged.hash,
          mac,
        ],
      );
      expect(await verify()).toMatchObject({ ok: false, reason: 'BAD_MAC', brokenAt: Number(seq), verifiedBefore: head.count });
      // the serving role cannot take it back out; the owner can (as the test's cleanup, with the trigger set aside)
      expect(await refusal(`DELETE FROM audit_event WHERE seq = $1`, [seq])).toBe('42501');
      const owner = t.config.databaseMigrationUrl!;
      await adminQuery(
        owner,
        `BEGIN; ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update_delete; DELETE FROM audit_event WHERE seq = ${Number(seq)};
         ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update_delete; COMMIT`,
      );
    }
    expect(await verify()).toMatchObject({ ok: true, count: head.count });
  });
});
