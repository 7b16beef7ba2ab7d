import Bull from 'bull';
import { randomUUID } from 'node:crypto';
import { SCHEDULE_QUEUE } from '../src/notifications/notification.jobs';
import { ReminderRegistry } from '../src/notifications/reminders';
import { createTestApp, TestApp } from './support/app';
import { describeWith } from './support/drivers';
import { eventually, settled } from './support/eventually';
import { startSmtpServer, SmtpTestServer } from './support/smtp';

/**
 * Two worker processes (two app instances on one database, and one Redis when REDIS_URL is set) both run the
 * reminder schedule. Bull keeps one schedule for both; without Redis each runs its own timer, and the outbox's
 * idempotency key is what keeps it to one reminder.
 */
describeWith('DATABASE_URL', 'notifications: two worker processes on one database', () => {
  let a: TestApp;
  let b: TestApp;
  let smtp: SmtpTestServer;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    const env = { SMTP_URL: smtp.url, REMINDER_INTERVAL_MS: '150', NOTIFY_RELAY_INTERVAL_MS: '200', NOTIFY_BACKOFF_MS: '40' };
    a = await createTestApp({ env });
    b = await createTestApp({ env: { ...env, DATABASE_URL: a.config.databaseUrl, QUEUE_PREFIX: a.config.queuePrefix } });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await smtp.close();
  });

  it('delivers what an API-only process recorded through a worker process', async () => {
    const api = await createTestApp({
      env: { SMTP_URL: smtp.url, PROCESS_ROLE: 'api', DATABASE_URL: a.config.databaseUrl, QUEUE_PREFIX: a.config.queuePrefix },
    });
    try {
      expect(api.config.runWorker).toBe(false);
      const res = await api
        .http()
        .post('/api/v1/notifications/test')
        .set(api.auth('officer'))
        .send({ email: 'split@example.no' })
        .expect(202);
      // the server has the mail before it answers, so the row is marked sent a moment after the mail arrives
      const status = async () => (await a.dataSource.query(`SELECT status FROM notification WHERE id = $1`, [res.body.id]))[0].status;
      await eventually('the workers to deliver what the API recorded', async () => (await status()) === 'sent', { explain: status });
      expect(smtp.to('split@example.no')).toHaveLength(1);
    } finally {
      await api.close();
    }
  });

  it('sends one reminder, not one per worker or per run', async () => {
    const reportId = randomUUID();
    const scans = { a: 0, b: 0 };
    for (const [name, app] of [
      ['a', a],
      ['b', b],
    ] as const) {
      app.app.get(ReminderRegistry).register('final-report-due', {
        scan: async () => {
          scans[name]++;
          return [
            {
              entityType: 'report',
              entityId: reportId,
              occurrence: '2031-12-01:14d',
              title: 'Sluttrapport',
              deadline: '2031-12-01T22:59:00Z',
              recipients: [{ email: 'kontakt@volda.kommune.no', language: 'nn' as const }],
            },
          ];
        },
      });
    }

    await eventually('a reminder', () => smtp.to('kontakt@volda.kommune.no').length > 0);
    // let the schedule fire several more times in both processes
    const before = scans.a + scans.b;
    await eventually('six more scans', () => scans.a + scans.b >= before + 6, { explain: () => scans });
    await settled(a);
    await settled(b);

    expect(smtp.to('kontakt@volda.kommune.no')).toHaveLength(1);
    expect(smtp.to('kontakt@volda.kommune.no')[0].subject).toBe('Påminning: Sluttrapport – frist 1. desember 2031');
    const rows = await a.dataSource.query(`SELECT status FROM notification WHERE entity_id = $1`, [reportId]);
    expect(rows).toEqual([{ status: 'sent' }]);

    if (process.env.REDIS_URL) {
      // both processes added the schedules; Redis holds one of each (reminders, digest), and both processes took turns
      const queue = new Bull(SCHEDULE_QUEUE, process.env.REDIS_URL, { prefix: a.config.queuePrefix });
      try {
        expect((await queue.getRepeatableJobs()).map((j) => j.name).sort()).toEqual(['digest', 'reminders']);
      } finally {
        await queue.close();
      }
    } else {
      expect(scans.a).toBeGreaterThan(0);
      expect(scans.b).toBeGreaterThan(0);
    }
  });
});
