import { join } from 'node:path';
import { createTestApp, TEST_AUDIT_HMAC_KEY, TestApp } from './support/app';
import { GuardedChild, killAllChildren, spawnGuarded } from './support/children';
import { assessedApplication, proposedDecision } from './support/decisions';
import { describeWith } from './support/drivers';
import { eventually } from './support/eventually';
import { applicantFor, Auth, completeDraft, createCall, createConsortium, createDraft, MunicipalityPool } from './support/fixtures';
import { invariantViolations } from './support/invariants';
import { activeGrant, tranchesOf } from './support/payments';
import { freePort } from './support/private-redis';
import { startSmtpServer, SmtpTestServer } from './support/smtp';

const ROOT = join(__dirname, '..');

type Write = { kind: 'submit' | 'decision' | 'payment'; id: string; path: string; auth: Auth };
type Answer = { status: number; body?: Record<string, unknown>; error?: string };

/**
 * kill -9 of the server (src/main.ts in a process of its own, API and worker, as `npm start` runs it) in the middle of
 * concurrent submissions, decision approvals and payment approvals. After a restart: every acknowledged (2xx) write is
 * there, nothing is half-written (a write is all there or not at all, and sending it again finishes it or is refused
 * as done), case numbers are gap-free, ledgers balance, the call budgets match their grants, the audit chain verifies,
 * and the mail that was pending goes out once (real SMTP).
 */
describeWith('DATABASE_URL', 'faults: the server killed (kill -9) mid-write', () => {
  let api: TestApp;
  let smtp: SmtpTestServer;
  let port: number;
  let server: GuardedChild | undefined;
  const writes: Write[] = [];

  /** The server as `npm start` runs it, from the sources, on this test's database, queue prefix and SMTP server. */
  async function startServer(): Promise<GuardedChild> {
    const child = spawnGuarded(process.execPath, ['-r', './test/support/swc-register.js', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        PORT: String(port),
        // the test app's: the letters its fixtures stored are attached to mail this server sends
        DATA_DIR: api.dataDir,
        DATABASE_URL: api.config.databaseUrl,
        REDIS_URL: api.config.redisUrl,
        QUEUE_PREFIX: api.config.queuePrefix,
        SMTP_URL: smtp.url,
        JWT_SECRET: 'test-secret-that-is-long-enough-0123456789',
        AUDIT_HMAC_KEY: TEST_AUDIT_HMAC_KEY,
        SEED_DEMO: 'false',
        LOG_LEVEL: 'warn',
        NOTIFY_RELAY_INTERVAL_MS: '200',
      },
    });
    await eventually(
      'the server to be ready',
      async () => {
        if (!child.alive()) throw new Error(`the server exited: ${child.output.join('').slice(-2000)}`);
        return (await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined))?.ok;
      },
      { timeoutMs: 90_000, intervalMs: 100, explain: () => child.output.join('').slice(-2000) },
    );
    return child;
  }

  const send = async (w: Write): Promise<Answer> => {
    try {
      const res = await fetch(`http://127.0.0.1:${port}${w.path}`, {
        method: 'POST',
        headers: { ...w.auth, 'content-type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout(30_000),
      });
      return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, unknown> };
    } catch (e) {
      return { status: 0, error: (e as Error).message };
    }
  };

  beforeAll(async () => {
    smtp = await startSmtpServer();
    // this process only records (fixtures through its API); the spawned server relays and sends
    api = await createTestApp({ env: { SMTP_URL: smtp.url, PROCESS_ROLE: 'api' } });
    port = await freePort();
    const pool = await MunicipalityPool.create(api, { excludeRegions: ['Helse Midt-Norge'] });
    const call = await createCall(api);
    for (let i = 0; i < 6; i++) {
      const members = pool.take(2);
      const user = await applicantFor(api, members[0]);
      const consortium = await createConsortium(api, user.auth, members[0], members);
      const draft = await createDraft(api, user.auth, completeDraft(call.id, consortium.id));
      writes.push({ kind: 'submit', id: draft.id, path: `/api/v1/applications/${draft.id}/submit`, auth: user.auth });
    }
    for (let i = 0; i < 3; i++) {
      const s = await assessedApplication(api, { pool, requestedOre: 50_000_000 });
      const d = await proposedDecision(api, s.application.id);
      writes.push({ kind: 'decision', id: d.id, path: `/api/v1/decisions/${d.id}/approve`, auth: api.auth('approver') });
    }
    for (let i = 0; i < 3; i++) {
      const g = await activeGrant(api, { pool });
      const [first] = await tranchesOf(api, g.grantId);
      await api.http().post(`/api/v1/payments/${first.id}/attest`).set(api.auth('officer')).send({}).expect(200);
      writes.push({ kind: 'payment', id: first.id, path: `/api/v1/payments/${first.id}/approve`, auth: api.auth('approver') });
    }
    server = await startServer();
  }, 240_000);

  afterAll(async () => {
    await server?.kill();
    await killAllChildren();
    await api?.close().catch(() => undefined);
    await smtp?.close().catch(() => undefined);
  }, 60_000);

  it('keeps every acknowledged write, half-writes none, and sends the pending mail once after a restart', async () => {
    // interleaved, all at once; the server is killed once the first answers are back, with the rest in flight
    const order = [...writes].sort((a, b) => a.id.localeCompare(b.id));
    const answers = new Map<Write, Answer>();
    const inFlight = order.map(async (w) => answers.set(w, await send(w)));
    await eventually('the first answers', () => answers.size >= 3, { timeoutMs: 60_000 });
    await server!.kill();
    await Promise.all(inFlight);
    const acknowledged = order.filter((w) => (answers.get(w)!.status ?? 0) >= 200 && answers.get(w)!.status < 300);
    const unanswered = order.filter((w) => answers.get(w)!.status === 0);
    // the kill came in the middle: some were acknowledged, some never answered
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(unanswered.length).toBeGreaterThan(0);
    // nothing answered but with success or a connection cut
    expect(order.filter((w) => ![0, 200].includes(answers.get(w)!.status)).map((w) => [w.path, answers.get(w)])).toEqual([]);

    const [{ now: restartedAt }] = await api.dataSource.query(`SELECT now()::text AS now`);
    server = await startServer();
    // a mail the killed server had claimed (sending) goes out again once its claim is stale (STALE_AFTER_SECONDS, ten
    // minutes): the claims the dead server left, untouched since the restart, are aged by that much instead of waiting
    await api.dataSource.query(
      `UPDATE notification SET updated_at = updated_at - interval '11 minutes' WHERE status IN ('queued','rendered','sending') AND updated_at < $1`,
      [restartedAt],
    );

    // every acknowledged write is there
    const state = async (w: Write) => {
      if (w.kind === 'submit')
        return (await api.dataSource.query(`SELECT status, case_number FROM application WHERE id = $1`, [w.id]))[0] as { status: string };
      if (w.kind === 'decision')
        return (
          await api.dataSource.query(
            `SELECT d.status, (SELECT count(*)::int FROM grant_award g WHERE g.decision_id = d.id) AS grants FROM decision d WHERE d.id = $1`,
            [w.id],
          )
        )[0] as { status: string };
      return (await api.dataSource.query(`SELECT status, approved_by FROM payment WHERE id = $1`, [w.id]))[0] as { status: string };
    };
    const done = (w: Write, s: Record<string, unknown>) =>
      w.kind === 'submit'
        ? s.status === 'SUBMITTED' && !!s.case_number
        : w.kind === 'decision'
          ? ['APPROVED', 'SENT'].includes(s.status as string) && s.grants === 1
          : s.status === 'APPROVED' && !!s.approved_by;
    for (const w of acknowledged) expect([w.path, done(w, await state(w))]).toEqual([w.path, true]);

    // nothing half-written: each write not acknowledged is either all there or not at all, and sending it again
    // finishes it or is refused as already done (never a 5xx)
    for (const w of order.filter((x) => !acknowledged.includes(x))) {
      const again = await send(w);
      expect([w.path, again.status < 500 && again.status > 0]).toEqual([w.path, true]);
      expect([w.path, done(w, await state(w))]).toEqual([w.path, true]);
    }

    // the invariants: gap-free case numbers (each with its journal), budgets, ledgers, the audit chain
    const auditor = { Authorization: `Bearer ${await api.tokenForUser(api.userIds.auditor)}` };
    const violations = await invariantViolations(
      (sql, params) => api.dataSource.query(sql, params),
      async () => (await (await fetch(`http://127.0.0.1:${port}/api/v1/audit/verify`, { headers: auditor })).json()) as { ok?: boolean },
    );
    expect(violations).toEqual([]);

    // the pending mail goes out, once: every outbox row sent, one message per row (a copy the crash could not rule
    // out would carry the same Message-ID, for the receiver to drop)
    const unsettled = () =>
      api.dataSource.query(`SELECT status, count(*)::int AS n FROM notification WHERE status NOT IN ('sent','skipped') GROUP BY status`);
    // a send job the killed worker held stays active in Redis until its lock expires (30 s) and Bull's stalled-job
    // check (every 30 s, src/queue/bull-queue.driver.ts) hands it back: up to a minute by design, more on a busy machine
    await eventually('the outbox to be delivered', async () => (await unsettled()).length === 0, {
      timeoutMs: 150_000,
      explain: unsettled,
    });
    const sent: Array<{ id: string }> = await api.dataSource.query(`SELECT id FROM notification WHERE status = 'sent'`);
    expect(sent.length).toBeGreaterThan(0);
    const byId = new Map<string, Set<string>>();
    for (const m of smtp.messages) {
      const id = m.headers['x-notification-id'];
      if (id) byId.set(id, new Set([...(byId.get(id) ?? []), m.messageId ?? '']));
    }
    expect(sent.filter((r) => byId.get(r.id)?.size !== 1).map((r) => [r.id, [...(byId.get(r.id) ?? [])]])).toEqual([]);
    expect(byId.size).toBe(sent.length);
  }, 420_000);
});
