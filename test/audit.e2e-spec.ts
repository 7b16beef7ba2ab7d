import { randomUUID } from 'node:crypto';
import { hashInputOf } from '../src/audit/audit-reader.service';
import { StoredAuditRow } from '../src/audit/audit.queries';
import { auditHash, auditMac, AuditService } from '../src/audit/audit.service';
import { defineWorkflow, WorkflowEngine } from '../src/workflow/workflow';
import { eventually } from './support/eventually';
import { createTestApp, TestApp } from './support/app';
import { auditRows, login } from './support/auth';

describe('audit trail: API, hash chain and transactions', () => {
  let t: TestApp;
  let audit: AuditService;
  beforeAll(async () => {
    t = await createTestApp();
    audit = t.app.get(AuditService);
  });
  afterAll(() => t.close());

  const verify = async () => (await t.http().get('/api/v1/audit/verify').set(t.auth('auditor')).expect(200)).body;
  const createConsortium = (role: 'applicant' | 'applicant2', name: string, members: string[]) =>
    t.http().post('/api/v1/consortia').set(t.auth(role)).send({ name, leadMunicipality: members[0], members });

  describe('reading', () => {
    beforeAll(async () => {
      await login(t, 'officer@demo.local');
      await t.http().post('/api/v1/auth/login').send({ email: 'officer@demo.local', password: 'feil-passord' }).expect(401);
      await createConsortium('applicant', 'Vestlandsalliansen', ['4601', '4631']).expect(201);
    });

    it('lists events newest first with actor, diff, request id and client address', async () => {
      // entries are sealed into the chain (and get their hash) just after they commit
      const { res, created } = await eventually('the consortium entry sealed', async () => {
        const res = await t.http().get('/api/v1/audit').set(t.auth('auditor')).set('X-Request-Id', 'audit-read-0001').expect(200);
        const [created] = res.body.items.filter((e: { action: string }) => e.action === 'consortium.created');
        return created?.hash && { res, created };
      });
      expect(created).toMatchObject({
        entityType: 'consortium',
        actor: { userId: t.userIds.applicant, tokenId: null, roles: ['applicant'], label: 'applicant@demo.local' },
        diff: { name: { before: null, after: 'Vestlandsalliansen' } },
        clientAddress: expect.stringMatching(/127\.0\.0\.1/),
      });
      expect(created.requestId).toEqual(expect.any(String));
      expect(created.hash).toMatch(/^[0-9a-f]{64}$/);
      const seqs = res.body.items.map((e: { seq: number }) => e.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    });

    it('filters by entity, actor (id or label), action (exact or prefix) and time', async () => {
      const byActor = await t.http().get('/api/v1/audit').query({ actor: t.userIds.officer }).set(t.auth('admin')).expect(200);
      expect(byActor.body.items.map((e: { action: string }) => e.action)).toEqual(['auth.login']);
      const failed = await t
        .http()
        .get('/api/v1/audit')
        .query({ actor: 'OFFICER@demo.local', action: 'auth.login_failed' })
        .set(t.auth('auditor'))
        .expect(200);
      expect(failed.body.items).toHaveLength(1);
      expect(failed.body.items[0].actor.userId).toBeNull();
      const auth = await t.http().get('/api/v1/audit').query({ action: 'auth.*' }).set(t.auth('auditor')).expect(200);
      expect(new Set(auth.body.items.map((e: { action: string }) => e.action))).toEqual(new Set(['auth.login', 'auth.login_failed']));
      const [c] = (await t.http().get('/api/v1/audit').query({ entityType: 'consortium' }).set(t.auth('auditor')).expect(200)).body.items;
      const byEntity = await t
        .http()
        .get('/api/v1/audit')
        .query({ entityType: 'consortium', entityId: c.entityId })
        .set(t.auth('auditor'))
        .expect(200);
      expect(byEntity.body.items).toHaveLength(1);
      const future = await t
        .http()
        .get('/api/v1/audit')
        .query({ from: new Date(Date.now() + 60_000).toISOString() })
        .set(t.auth('auditor'))
        .expect(200);
      expect(future.body.items).toEqual([]);
      const past = await t
        .http()
        .get('/api/v1/audit')
        .query({ to: new Date(Date.now() + 60_000).toISOString(), entityType: 'consortium' })
        .set(t.auth('auditor'))
        .expect(200);
      expect(past.body.items).toHaveLength(1);
      const bad = await t
        .http()
        .get('/api/v1/audit')
        .query({ from: 'yesterday', action: 'drop table;' })
        .set(t.auth('auditor'))
        .expect(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['action', 'from']);
    });

    it('pages with a keyset cursor without skipping or repeating', async () => {
      const all = (await auditRows(t)).map((r) => Number(r.seq)).reverse();
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { items: Array<{ seq: number }>; nextCursor: string | null } } = await t
          .http()
          .get('/api/v1/audit')
          .query({ limit: 2, ...(cursor ? { cursor } : {}) })
          .set(t.auth('auditor'))
          .expect(200);
        seen.push(...res.body.items.map((e) => e.seq));
        cursor = res.body.nextCursor;
      } while (cursor);
      // the auditor's own reads are not audited, so the list is stable while paging
      expect(seen).toEqual(all);
    });

    it('is for auditors and admins only', async () => {
      for (const role of ['officer', 'approver', 'assessor', 'evaluator', 'applicant'] as const) {
        await t.http().get('/api/v1/audit').set(t.auth(role)).expect(403);
        await t.http().get('/api/v1/audit/verify').set(t.auth(role)).expect(403);
      }
      await t.http().get('/api/v1/audit').expect(401);
    });
  });

  describe('a failing operation leaves no audit row and no partial change', () => {
    let consortiumId: string;
    beforeAll(async () => {
      consortiumId = (await createConsortium('applicant', 'Hordalandssamarbeidet', ['4601', '4624']).expect(201)).body.id;
    });

    it('rolls back a consortium update refused by validation', async () => {
      const before = await auditRows(t);
      const res = await t
        .http()
        .patch(`/api/v1/consortia/${consortiumId}`)
        .set(t.auth('applicant'))
        .send({ name: 'Nytt namn', members: ['4601', '4624', '9999'] })
        .expect(400);
      expect(res.body.errors[0]).toMatchObject({ field: 'members[2]', code: 'UNKNOWN_MUNICIPALITY' });
      expect((await t.http().get(`/api/v1/consortia/${consortiumId}`).set(t.auth('applicant')).expect(200)).body.name).toBe(
        'Hordalandssamarbeidet',
      );
      expect(await auditRows(t)).toEqual(before);
    });

    it('rolls back the audit row together with the change when the transaction fails after writing it', async () => {
      const before = await auditRows(t);
      // the database refuses at commit (no active admin would remain): after the audit row and the rename were written
      await expect(
        t.dataSource.transaction(async (m) => {
          await m.query(`UPDATE consortium SET name = 'Omdøypt' WHERE id = $1`, [consortiumId]);
          await audit.record(m, {
            action: 'consortium.updated',
            entityType: 'consortium',
            entityId: consortiumId,
            before: { name: 'Hordalandssamarbeidet' },
            after: { name: 'Omdøypt' },
            actor: null,
          });
          await m.query(`UPDATE app_user SET active = false WHERE id = $1`, [t.userIds.admin]);
        }),
      ).rejects.toThrow(/at least one active admin/);
      expect(await auditRows(t)).toEqual(before);
      const [c] = await t.dataSource.query(`SELECT name FROM consortium WHERE id = $1`, [consortiumId]);
      expect(c.name).toBe('Hordalandssamarbeidet');
      await t.http().get('/api/v1/me').set(t.auth('admin')).expect(200);
      expect((await verify()).ok).toBe(true);
    });

    it('rolls back a workflow transition (state, transition record, audit row) when the operation fails later', async () => {
      await t.dataSource.query(
        `CREATE TABLE test_case (id uuid PRIMARY KEY, status text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`,
      );
      const flow = defineWorkflow({
        entityType: 'test_case',
        table: 'test_case',
        states: ['OPEN', 'DONE'] as const,
        transitions: { finish: { from: ['OPEN'], to: 'DONE', roles: ['officer'] } },
      });
      const engine = t.app.get(WorkflowEngine);
      const officer = {
        userId: t.userIds.officer,
        email: 'officer@demo.local',
        roles: ['officer' as const],
        organisationIds: [],
        via: 'session' as const,
      };
      const id = randomUUID();
      await t.dataSource.query(`INSERT INTO test_case VALUES ($1, 'OPEN')`, [id]);
      const before = await auditRows(t);

      await expect(
        t.dataSource.transaction(async (m) => {
          await engine.transition(m, flow, id, 'finish', officer, { reason: 'ferdig' });
          throw new Error('the next step of the operation failed');
        }),
      ).rejects.toThrow('the next step');
      expect((await t.dataSource.query(`SELECT status FROM test_case WHERE id = $1`, [id]))[0].status).toBe('OPEN');
      expect(await t.dataSource.query(`SELECT * FROM state_transition WHERE entity_id = $1`, [id])).toEqual([]);
      expect(await auditRows(t)).toEqual(before);

      await t.dataSource.transaction((m) => engine.transition(m, flow, id, 'finish', officer, { reason: 'ferdig' }));
      const [row] = await auditRows(t, `entity_id = $1`, [id]);
      expect(row).toMatchObject({
        action: 'test_case.finish',
        actor_user_id: t.userIds.officer,
        diff: { status: { before: 'OPEN', after: 'DONE' }, reason: { before: null, after: 'ferdig' } },
      });
    });

    it('audits a refusal from inside a service, while the refused change itself is rolled back', async () => {
      const before = await t.dataSource.query(`SELECT count(*)::int AS n FROM consortium`);
      const res = await createConsortium('applicant2', 'Ikke vår', ['4601', '4631']).expect(403);
      expect(res.body.code).toBe('NOT_YOUR_CONSORTIUM');
      expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM consortium`)).toEqual(before);
      const denied = await auditRows(t, `action = 'access.denied' AND actor_user_id = $1`, [t.userIds.applicant2]);
      expect(denied).toEqual([
        expect.objectContaining({
          entity_type: 'route',
          entity_id: 'POST /api/v1/consortia',
          diff: { code: { before: null, after: 'NOT_YOUR_CONSORTIUM' }, path: expect.anything() },
        }),
      ]);
      expect(await auditRows(t, `action = 'consortium.created' AND actor_user_id = $1`, [t.userIds.applicant2])).toEqual([]);
    });
  });

  describe('tamper evidence', () => {
    const row = async (seq: string): Promise<StoredAuditRow & { prev_hash: string; hash: string }> =>
      (await t.dataSource.query(`SELECT *, seq::text AS seq FROM audit_event WHERE seq = $1`, [seq]))[0];
    let a: string; // seq of an entry deep in the chain (second page of the verifier)
    let gap: string; // a sequence number skipped between two entries, where a forged entry could go
    let b: string; // the entry after the gap

    beforeAll(async () => {
      await t.dataSource.transaction(async (m) => {
        for (let i = 0; i < 620; i++)
          await audit.record(m, {
            action: 'test.filler',
            entityType: 'filler',
            entityId: String(i),
            before: null,
            after: { i },
            actor: null,
            actorLabel: 'test',
          });
      });
      await createConsortium('applicant', 'Bergensringen', ['4601', '4627']).expect(201);
      a = (await t.dataSource.query(`SELECT max(seq)::text AS s FROM audit_event`))[0].s;
      // a rolled-back transaction that had written an audit entry leaves exactly such a gap
      gap = (await t.dataSource.query(`SELECT nextval('audit_event_seq_seq')::text AS s`))[0].s;
      await createConsortium('applicant2', 'Oslo og omegn', ['0301', '3201']).expect(201);
      b = (await t.dataSource.query(`SELECT max(seq)::text AS s FROM audit_event`))[0].s;
      await login(t, 'auditor@demo.local');
    });

    it('refuses UPDATE, DELETE and TRUNCATE while the trigger is in place', async () => {
      await expect(t.dataSource.query(`UPDATE audit_event SET action = 'x' WHERE seq = $1`, [a])).rejects.toThrow(/append-only/);
      await expect(t.dataSource.query(`DELETE FROM audit_event WHERE seq = $1`, [a])).rejects.toThrow(/append-only/);
      await expect(t.dataSource.query(`TRUNCATE audit_event`)).rejects.toThrow(/append-only/);
    });

    it('verifies the untouched chain, paging through more than one batch', async () => {
      const report = await verify(); // seals what has committed first
      const count = (await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_event`))[0].n;
      expect(count).toBeGreaterThan(620);
      const last = await t.dataSource.query(`SELECT seq::text AS seq, hash FROM audit_event e ORDER BY e.seq DESC LIMIT 1`);
      expect(report).toEqual({ ok: true, count, lastSeq: Number(last[0].seq), lastHash: last[0].hash, unsealed: 0 });
    });

    it('refuses a second successor of an entry (a forged entry linked into the chain) while the constraint is in place', async () => {
      const [next] = await t.dataSource.query(`SELECT prev_hash FROM audit_event WHERE seq = $1`, [b]);
      await expect(
        t.dataSource.query(
          `INSERT INTO audit_event (seq, occurred_at, actor_roles, action, entity_type, prev_hash, hash) VALUES ($1, now(), '{}', 'consortium.approved', 'consortium', $2, $3)`,
          [gap, next.prev_hash, 'd'.repeat(64)],
        ),
      ).rejects.toThrow(/audit_event_one_successor/);
    });

    describe('with the append-only trigger and the one-successor constraint dropped (as someone with database access could)', () => {
      beforeAll(async () => {
        await t.dataSource.query(`DROP TRIGGER audit_event_no_update_delete ON audit_event`);
        await t.dataSource.query(`ALTER TABLE audit_event DROP CONSTRAINT audit_event_one_successor`);
      });

      it('reports a changed column at the changed entry', async () => {
        const original = await row(a);
        await t.dataSource.query(`UPDATE audit_event SET actor_label = 'noen-andre@demo.local' WHERE seq = $1`, [a]);
        expect(await verify()).toMatchObject({ ok: false, brokenAt: Number(a), reason: 'HASH_MISMATCH' });
        await t.dataSource.query(`UPDATE audit_event SET diff = jsonb_set(diff, '{name,after}', '"Falskt namn"') WHERE seq = $1`, [a]);
        await t.dataSource.query(`UPDATE audit_event SET actor_label = $2 WHERE seq = $1`, [a, original.actor_label]);
        expect(await verify()).toMatchObject({ ok: false, brokenAt: Number(a), reason: 'HASH_MISMATCH' });
        await t.dataSource.query(`UPDATE audit_event SET diff = $2 WHERE seq = $1`, [a, JSON.stringify(original.diff)]);
        expect((await verify()).ok).toBe(true);
      });

      it('reports a changed entry whose own hash was recomputed at the entry after it', async () => {
        const original = await row(a);
        const [next] = await t.dataSource.query(
          `SELECT seq::text AS seq FROM audit_event WHERE seq > $1 ORDER BY audit_event.seq LIMIT 1`,
          [a],
        );
        const forged = { ...original, action: 'consortium.viewed' };
        const hash = auditHash(original.prev_hash, hashInputOf(forged));
        // without the audit key, the entry itself gives it away
        await t.dataSource.query(`UPDATE audit_event SET action = $2, hash = $3 WHERE seq = $1`, [a, forged.action, hash]);
        expect(await verify()).toMatchObject({ ok: false, brokenAt: Number(a), reason: 'BAD_MAC' });
        // someone who also holds the key is still caught by the link of the entry after it
        await t.dataSource.query(`UPDATE audit_event SET mac = $2 WHERE seq = $1`, [a, auditMac(t.config.auditHmacKey, hash)]);
        expect(await verify()).toMatchObject({ ok: false, brokenAt: Number(next.seq), reason: 'PREDECESSOR_MISSING' });
        await t.dataSource.query(`UPDATE audit_event SET action = $2, hash = $3, mac = $4 WHERE seq = $1`, [
          a,
          original.action,
          original.hash,
          original.mac,
        ]);
        expect((await verify()).ok).toBe(true);
      });

      it('reports a deleted entry at the entry that followed it', async () => {
        const original = await row(a);
        await t.dataSource.query(`DELETE FROM audit_event WHERE seq = $1`, [a]);
        const [next] = await t.dataSource.query(
          `SELECT seq::text AS seq FROM audit_event WHERE seq > $1 ORDER BY audit_event.seq LIMIT 1`,
          [a],
        );
        expect(await verify()).toMatchObject({ ok: false, brokenAt: Number(next.seq), reason: 'PREDECESSOR_MISSING' });
        const cols = Object.keys(original) as Array<keyof StoredAuditRow>;
        await t.dataSource.query(
          `INSERT INTO audit_event (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
          cols.map((c) => (c === 'diff' ? JSON.stringify(original[c]) : original[c])),
        );
        expect((await verify()).ok).toBe(true);
      });

      it('reports the newest entries deleted, or the chain rewritten from an entry on, against a head kept from an earlier report', async () => {
        const head = await verify();
        expect(head.ok).toBe(true);
        const anchored = async () =>
          (
            await t
              .http()
              .get('/api/v1/audit/verify')
              .query({ anchorSeq: head.lastSeq, anchorHash: head.lastHash })
              .set(t.auth('auditor'))
              .expect(200)
          ).body;
        expect(await anchored()).toEqual(head);

        // the newest two entries removed: what is left is a valid, shorter chain, and only the anchor shows the loss
        const newest: StoredAuditRow[] = await t.dataSource.query(
          `SELECT *, seq::text AS seq FROM audit_event e ORDER BY e.seq DESC LIMIT 2`,
        );
        await t.dataSource.query(`DELETE FROM audit_event WHERE seq = ANY($1::bigint[])`, [newest.map((r) => r.seq)]);
        expect(await verify()).toMatchObject({ ok: true, count: head.count - 2 });
        expect(await anchored()).toMatchObject({ ok: false, reason: 'TRUNCATED', brokenAt: head.lastSeq, verifiedBefore: head.count - 2 });
        for (const r of newest.reverse()) {
          const cols = Object.keys(r) as Array<keyof StoredAuditRow>;
          await t.dataSource.query(
            `INSERT INTO audit_event (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
            cols.map((c) => (c === 'diff' ? JSON.stringify(r[c]) : r[c])),
          );
        }
        expect(await anchored()).toEqual(head);

        // the newest entry rewritten and rehashed: without the key its MAC gives it away; with the key (an insider holding
        // it) nothing links past it, so only the anchor shows it
        const last = await row(String(head.lastSeq));
        const forged = { ...last, action: 'consortium.viewed' };
        const forgedHash = auditHash(last.prev_hash, hashInputOf(forged));
        await t.dataSource.query(`UPDATE audit_event SET action = $2, hash = $3 WHERE seq = $1`, [last.seq, forged.action, forgedHash]);
        expect(await verify()).toMatchObject({ ok: false, reason: 'BAD_MAC', brokenAt: head.lastSeq });
        await t.dataSource.query(`UPDATE audit_event SET mac = $2 WHERE seq = $1`, [last.seq, auditMac(t.config.auditHmacKey, forgedHash)]);
        expect(await verify()).toMatchObject({ ok: true, count: head.count });
        expect(await anchored()).toMatchObject({ ok: false, reason: 'ANCHOR_MISMATCH', brokenAt: head.lastSeq });
        await t.dataSource.query(`UPDATE audit_event SET action = $2, hash = $3, mac = $4 WHERE seq = $1`, [
          last.seq,
          last.action,
          last.hash,
          last.mac,
        ]);
        expect(await anchored()).toEqual(head);

        // an anchor is both parts, well formed
        const bad = (query: Record<string, unknown>) =>
          t.http().get('/api/v1/audit/verify').query(query).set(t.auth('auditor')).expect(400);
        await bad({ anchorSeq: head.lastSeq });
        await bad({ anchorHash: head.lastHash });
        await bad({ anchorSeq: head.lastSeq, anchorHash: 'xyz' });
        await bad({ anchorSeq: 'last', anchorHash: head.lastHash });
      });

      it('reports an entry inserted in the middle, even one chained and hashed correctly to the entry before it', async () => {
        const before = await row(a);
        const forgedRow = {
          seq: gap,
          occurredAt: new Date().toISOString(),
          actorUserId: t.userIds.officer,
          actorTokenId: null,
          actorRoles: ['officer'],
          actorLabel: 'officer@demo.local',
          action: 'consortium.approved',
          entityType: 'consortium',
          entityId: randomUUID(),
          diff: { status: { before: 'DRAFT', after: 'APPROVED' } },
          requestId: null,
          clientAddress: null,
        };
        const insert = (prevHash: string, hash: string, mac: string | null = null) =>
          t.dataSource.query(
            `INSERT INTO audit_event (seq, occurred_at, actor_user_id, actor_token_id, actor_roles, actor_label, action, entity_type, entity_id, diff, request_id, client_address, prev_hash, hash, mac)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
            [
              gap,
              forgedRow.occurredAt,
              forgedRow.actorUserId,
              null,
              forgedRow.actorRoles,
              forgedRow.actorLabel,
              forgedRow.action,
              forgedRow.entityType,
              forgedRow.entityId,
              JSON.stringify(forgedRow.diff),
              null,
              null,
              prevHash,
              hash,
              mac,
            ],
          );
        // a careless forgery: made-up hashes
        await insert('f'.repeat(64), 'e'.repeat(64));
        expect(await verify()).toMatchObject({ ok: false, brokenAt: Number(gap), reason: 'HASH_MISMATCH' });
        await t.dataSource.query(`DELETE FROM audit_event WHERE seq = $1`, [gap]);

        // a careful one: linked to the entry before it and hashed the way the application does, but without the key
        const careful = auditHash(before.hash, forgedRow);
        await insert(before.hash, careful);
        expect(await verify()).toMatchObject({ ok: false, brokenAt: Number(gap), reason: 'BAD_MAC' });
        await t.dataSource.query(`DELETE FROM audit_event WHERE seq = $1`, [gap]);

        // and one by someone who holds the key as well: the entry after it still links past it
        await insert(before.hash, careful, auditMac(t.config.auditHmacKey, careful));
        expect(await verify()).toMatchObject({ ok: false, brokenAt: Number(gap), reason: 'INSERTED' });
        await t.dataSource.query(`DELETE FROM audit_event WHERE seq = $1`, [gap]);
        expect(Number(b)).toBeGreaterThan(Number(gap));
        expect((await verify()).ok).toBe(true);
      });
    });
  });
});
