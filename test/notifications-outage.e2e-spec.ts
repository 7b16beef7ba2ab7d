import { randomUUID } from 'node:crypto';
import { AuditService } from '../src/audit/audit.service';
import { BullQueueDriver } from '../src/queue/bull-queue.driver';
import { Transactions } from '../src/database/transaction';
import { NotificationService } from '../src/notifications/notification.service';
import { OutboxRelay } from '../src/notifications/outbox-relay';
import { QueuePort } from '../src/queue/queue.port';
import { createTestApp, TestApp } from './support/app';
import { describeWith } from './support/drivers';
import { startSmtpServer, SmtpTestServer } from './support/smtp';
import { eventually, settled } from './support/eventually';
import { freePort, PrivateRedis } from './support/private-redis';
import { callBody } from './support/fixtures';
import { killAllChildren } from './support/children';

/**
 * The row as a relay run leaves it. A run in flight holds it as 'queued' for the moment between its pick and
 * the queue's refusal, then puts it back: read until no run is between those two steps.
 */
async function settledStatus(read: () => Promise<string>): Promise<string> {
  let last = await read();
  for (let i = 0; i < 40 && last !== 'pending'; i++) {
    await new Promise((r) => setTimeout(r, 50));
    last = await read();
  }
  return last;
}

describeWith('REDIS_URL', 'notifications: Redis unreachable while a change commits', () => {
  let t: TestApp;
  let smtp: SmtpTestServer;
  // a Redis of our own, so the outage never touches the shared server on 6379
  let redis: PrivateRedis;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    smtp = await startSmtpServer();
    t = await createTestApp({
      env: { REDIS_URL: redis.url, SMTP_URL: smtp.url, NOTIFY_BACKOFF_MS: '40', NOTIFY_RELAY_INTERVAL_MS: '200' },
    });
  });
  afterAll(async () => {
    // each step on its own: a failing close must not leave redis-server running
    await t?.close().catch(() => undefined);
    await smtp?.close().catch(() => undefined);
    await redis?.stop().catch(() => undefined);
    await killAllChildren();
  });

  const rowsFor = (entityId: string): Promise<Array<{ status: string }>> =>
    t.dataSource.query(`SELECT status FROM notification WHERE entity_id = $1`, [entityId]);

  it('keeps the outbox row pending while Redis is down and delivers it once when Redis is back', async () => {
    expect(t.app.get(QueuePort).driverName).toBe('bull');
    await redis.stop();
    await expect(t.app.get(QueuePort).ping()).rejects.toThrow();

    // a domain change with its audit record and its notification, committed while the queue is unreachable
    const entityId = randomUUID();
    await t.app.get(Transactions).run(async (m) => {
      await t.app.get(AuditService).record(m, {
        action: 'report.submitted',
        entityType: 'report',
        entityId,
        after: { status: 'SUBMITTED' },
        actor: null,
        actorLabel: 'test',
      });
      await t.app.get(NotificationService).notify(m, {
        event: 'notifications.test',
        entityType: 'report',
        entityId,
        recipients: [{ email: 'during-outage@example.no' }],
        data: { requestedBy: 'outage test' },
      });
    });
    const [audit] = await t.dataSource.query(`SELECT action FROM audit_event WHERE entity_id = $1`, [entityId]);
    expect(audit.action).toBe('report.submitted');

    // relay runs (the nudge, the timer, one more here) come and go; nothing is lost or half-handed over
    await t.app
      .get(OutboxRelay)
      .relayBatch()
      .catch((e: Error) => expect(e.message).toMatch(/Redis is unreachable|did not accept/));
    expect(await rowsFor(entityId)).toHaveLength(1);
    expect(await settledStatus(async () => (await rowsFor(entityId))[0].status)).toBe('pending');
    expect(smtp.to('during-outage@example.no')).toHaveLength(0);

    await redis.startAgain();
    await eventually('delivery after Redis came back', async () => (await rowsFor(entityId))[0].status === 'sent', {
      explain: () => rowsFor(entityId),
    });
    // more relay runs after delivery change nothing
    await t.app.get(OutboxRelay).relayBatch();
    await settled(t);
    expect(smtp.to('during-outage@example.no')).toHaveLength(1);
    expect(smtp.to('during-outage@example.no')[0].subject).toBe('Testvarsel fra Helseteknologiordningen');
  });

  it('refuses a job at once, not after a timeout, when Redis was down from the start', async () => {
    const deadPort = await freePort();
    const driver = new BullQueueDriver(`redis://127.0.0.1:${deadPort}`, `hto-dead-${process.pid}`, false);
    try {
      await expect(driver.ping()).rejects.toThrow();
      // "did not accept the job" would be the 5-second timeout of a command ioredis held back for a reconnect
      await expect(driver.add('q-dead-start', 'x', {})).rejects.toThrow(/Redis is unreachable/);
    } finally {
      await driver.close();
    }
  });

  it('answers an API change with success while Redis is down, and delivers after', async () => {
    await redis.stop();
    const res = await t
      .http()
      .post('/api/v1/notifications/test')
      .set(t.auth('officer'))
      .send({ email: 'api-outage@example.no' })
      .expect(202);
    const status = async () =>
      ((await t.dataSource.query(`SELECT status FROM notification WHERE id = $1`, [res.body.id])) as Array<{ status: string }>)[0].status;
    expect(await settledStatus(status)).toBe('pending');
    expect(smtp.to('api-outage@example.no')).toHaveLength(0);
    await redis.startAgain();
    await eventually('delivery after Redis came back', () => smtp.to('api-outage@example.no').length > 0);
    await settled(t);
    expect(smtp.to('api-outage@example.no')).toHaveLength(1);
  });

  it('under load: concurrent writes all succeed while Redis is down, and each of their mails goes out once when it is back', async () => {
    await redis.stop();
    const addresses = Array.from({ length: 30 }, (_, i) => `load-${i}@outage.example.no`);
    const results = await Promise.all([
      ...addresses.map((email) => t.http().post('/api/v1/notifications/test').set(t.auth('officer')).send({ email })),
      // writes without a mail go on as well
      ...Array.from({ length: 10 }, (_, i) =>
        t
          .http()
          .post('/api/v1/calls')
          .set(t.auth('officer'))
          .send(callBody({ title: { nb: `Under Redis-brudd ${i}`, nn: `Under Redis-brot ${i}` } })),
      ),
    ]);
    expect(results.slice(0, 30).map((r) => r.status)).toEqual(addresses.map(() => 202));
    expect(results.slice(30).map((r) => r.status)).toEqual(Array.from({ length: 10 }, () => 201));
    for (const a of addresses) expect(smtp.to(a)).toHaveLength(0);

    await redis.startAgain();
    await eventually('every mail after Redis came back', () => addresses.every((a) => smtp.to(a).length > 0), {
      explain: () => addresses.filter((a) => smtp.to(a).length === 0),
    });
    await settled(t);
    expect(addresses.map((a) => smtp.to(a).length)).toEqual(addresses.map(() => 1));
    const ids = results.slice(0, 30).map((r) => r.body.id);
    const rows: Array<{ status: string }> = await t.dataSource.query(`SELECT status FROM notification WHERE id = ANY($1)`, [ids]);
    expect(rows.map((r) => r.status)).toEqual(ids.map(() => 'sent'));
  });
});
