import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, TEST_AUDIT_HMAC_KEY, TestApp } from './support/app';
import { describeWith } from './support/drivers';
import { MunicipalityPool, submittedApplication } from './support/fixtures';
import { eventually, settled } from './support/eventually';
import { startSmtpServer, SmtpTestServer } from './support/smtp';
import { GuardedChild, killAllChildren, spawnGuarded } from './support/children';

const DAY_MS = 86400_000;
const ROOT = join(__dirname, '..');

/**
 * Two real worker processes (`src/worker.ts`, as `npm run start:worker` starts it) on one database, and one Redis when
 * REDIS_URL is set, both running the reminder schedule every 200 ms. The API process records; the workers remind.
 * Bull keeps one schedule for both; without Redis each process runs its own timer, and the outbox's idempotency key
 * is what keeps it to one reminder.
 */
describeWith('DATABASE_URL', 'notifications: two worker processes', () => {
  let api: TestApp;
  let smtp: SmtpTestServer;
  let pool: MunicipalityPool;
  const workers: Array<{ proc: GuardedChild; output: string[]; dataDir: string }> = [];
  let stopping = false;

  function startWorker() {
    // a beforeAll that timed out goes on running after afterAll: it must not leave processes behind
    if (stopping) throw new Error('the test is over');
    const dataDir = mkdtempSync(join(tmpdir(), 'hto-worker-'));
    const env = {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      PROCESS_ROLE: 'worker',
      DATA_DIR: dataDir,
      DATABASE_URL: api.config.databaseUrl,
      REDIS_URL: api.config.redisUrl,
      QUEUE_PREFIX: api.config.queuePrefix,
      SMTP_URL: smtp.url,
      JWT_SECRET: 'test-secret-that-is-long-enough-0123456789',
      AUDIT_HMAC_KEY: TEST_AUDIT_HMAC_KEY,
      SEED_DEMO: 'false',
      // debug: each reminder scan logs a line, which the test counts
      LOG_LEVEL: 'debug',
      REMINDER_INTERVAL_MS: '200',
      NOTIFY_RELAY_INTERVAL_MS: '200',
    };
    // under a guard: killed with this test process even if afterAll never runs; output captured, not inherited
    const proc = spawnGuarded(process.execPath, ['-r', './test/support/swc-register.js', 'src/worker.ts'], {
      cwd: ROOT,
      env,
      keep: 100_000,
    });
    const output = proc.output;
    workers.push({ proc, output, dataDir });
    return { proc, output };
  }

  const until = (what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 45000) =>
    eventually(what, ok, { timeoutMs, explain: () => workers.map((w) => w.output.join('').slice(-2000)) });

  beforeAll(async () => {
    smtp = await startSmtpServer();
    // the API process only records: with PROCESS_ROLE=api it neither relays the outbox nor runs schedules
    api = await createTestApp({ env: { SMTP_URL: smtp.url, PROCESS_ROLE: 'api' } });
    pool = await MunicipalityPool.create(api, { excludeRegions: ['Helse Midt-Norge'] });
    const a = startWorker();
    const b = startWorker();
    await until('both workers to start', () => [a, b].every((w) => w.output.join('').includes('worker started')));
  }, 120_000);
  afterAll(async () => {
    stopping = true;
    for (const w of workers) {
      await w.proc.stop('SIGTERM', 10_000);
      rmSync(w.dataDir, { recursive: true, force: true });
    }
    await killAllChildren();
    await api?.close();
    await smtp?.close();
  }, 60_000);

  it('sends one completion reminder however many times the two processes scan', async () => {
    const contact = 'frist@worker.test';
    const { application } = await submittedApplication(api, { pool, draft: { contactPersons: [{ name: 'Frida Frist', email: contact }] } });
    const due = new Date(Date.now() + 2 * DAY_MS);
    await api
      .http()
      .post(`/api/v1/applications/${application.id}/return`)
      .set(api.auth('officer'))
      .send({ reason: 'Mangler vedlegg', dueAt: due.toISOString() })
      .expect(200);
    // the deadline was given a week ago (with more notice than the reminder's lead time), so a reminder is due now
    await api.dataSource.query(
      `UPDATE state_transition SET occurred_at = now() - interval '7 days' WHERE entity_id = $1 AND event = 'return_for_completion'`,
      [application.id],
    );

    const reminders = () => smtp.to(contact).filter((m) => m.subject.startsWith('Påmin'));
    await until('the reminder', () => reminders().length > 0);
    // the processes keep scanning every 200 ms: let them run many more scans, let the outbox settle, then count again
    const scans = () => workers.reduce((n, w) => n + (w.output.join('').match(/reminder scans done/g)?.length ?? 0), 0);
    const before = scans();
    await until('ten more reminder scans', () => scans() >= before + 10);
    await settled(api);
    expect(reminders()).toHaveLength(1);
    expect(reminders()[0].subject).toContain(`komplettering av søknad ${application.caseNumber}`);
    const rows = await api.dataSource.query(`SELECT status FROM notification WHERE entity_id = $1 AND event = 'deadline.reminder'`, [
      application.id,
    ]);
    expect(rows).toEqual([{ status: 'sent' }]);
    // the receipt and the return letter went through the workers too, once each
    const subjects = smtp.to(contact).map((m) => m.subject);
    expect(subjects).toHaveLength(3);
    expect(subjects.filter((s) => s.startsWith(`Kvittering for søknad ${application.caseNumber}`))).toHaveLength(1);
    expect(subjects.filter((s) => s.startsWith(`Søknad ${application.caseNumber} må komplett`))).toHaveLength(1);
    expect(workers.every((w) => w.proc.alive())).toBe(true);
  });
});
