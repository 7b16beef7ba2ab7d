import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { CALLS_QUEUE } from '../src/calls/call.scheduler';
import { GRANTS_QUEUE } from '../src/grants/grant-acceptance.scheduler';
import { PURGE_SCHEDULE_KEY, IDENTITY_MAINTENANCE_QUEUE } from '../src/identity/identity-housekeeping';
import { SCHEDULE_QUEUE } from '../src/notifications/notification.jobs';
import { createTestApp, TestApp } from './support/app';
import { describeWith } from './support/drivers';
import { createCall, setClock } from './support/fixtures';
import { PrivateRedis } from './support/private-redis';

/** Polls `check` until it returns true, or fails with `what` after `ms`. */
async function until(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Redis losing its data (a flush, a restart without persistence) must not silently stop the scheduled work: the
 * schedules come back, calls still close on time, and a notification whose job was lost still goes out.
 * The app runs against a Redis of its own; the shared one is never flushed or restarted.
 */
describeWith('REDIS_URL', 'schedules and queued work survive Redis losing its data', () => {
  const CHECK_MS = 200;
  let t: TestApp;
  let redis: PrivateRedis;
  let client: Redis;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
    t = await createTestApp({
      env: { REDIS_URL: redis.url, SCHEDULE_CHECK_INTERVAL_MS: String(CHECK_MS), NOTIFY_RELAY_INTERVAL_MS: '200' },
    });
  });
  afterAll(async () => {
    await t?.close();
    client?.disconnect();
    await redis?.stop();
  });

  /** The schedules as Bull keeps them: `{prefix}:{queue}:repeat` holds one member per schedule. */
  const schedules = async () => {
    const prefix = t.config.queuePrefix;
    const out: string[] = [];
    for (const q of [CALLS_QUEUE, SCHEDULE_QUEUE, IDENTITY_MAINTENANCE_QUEUE, GRANTS_QUEUE])
      out.push(...(await client.zrange(`${prefix}:${q}:repeat`, 0, -1)).map((k) => `${q}/${k.split(':').slice(0, 2).join(':')}`));
    return out.sort();
  };
  const expected = [
    `${CALLS_QUEUE}/close-due:calls.close-due`,
    `${GRANTS_QUEUE}/lapse-due:grants.lapse-due`,
    `${IDENTITY_MAINTENANCE_QUEUE}/purge:${PURGE_SCHEDULE_KEY}`,
    `${SCHEDULE_QUEUE}/digest:notifications.digest`,
    `${SCHEDULE_QUEUE}/reminders:notifications.reminders`,
  ].sort();
  const allScheduled = async () => JSON.stringify(await schedules()) === JSON.stringify(expected);

  it('registers the schedules again after Redis is flushed', async () => {
    await until('the schedules were not registered at start', 10_000, allScheduled);
    await client.flushall();
    // no check that the list is empty now: the app may already be re-registering (that is the point), so the
    // moment between the flush and our read is a race; on the old code the schedules never come back
    await until('the schedules did not come back after FLUSHALL', 10_000, allScheduled);
  });

  it('registers the schedules again after Redis restarts empty', async () => {
    await until('the schedules were not registered', 10_000, allScheduled);
    await redis.stop();
    await redis.startAgain();
    await until('the schedules did not come back after the restart', 15_000, allScheduled);
  });

  it('closes a call at its closing time though the closing job was lost with Redis', async () => {
    const call = await createCall(t, { closesAt: new Date(Date.now() + 86_400_000).toISOString() });
    await client.flushall();
    const restore = setClock(t, new Date(new Date(call.closesAt).getTime() + 1000));
    try {
      // read from the database, not GET /calls/{id} (which closes a due call itself): the worker must do it unasked
      const status = async () => (await t.dataSource.query(`SELECT status FROM call WHERE id = $1`, [call.id]))[0].status;
      await until('the call was not closed', 10_000, async () => (await status()) === 'CLOSED');
    } finally {
      restore();
    }
  });

  it('sends a notification whose queue job was lost, soon after, not after ten minutes', async () => {
    // as the relay leaves a row it handed to the queue 45 s ago, whose job then vanished in a flush
    const entityId = randomUUID();
    const [{ id }] = await t.dataSource.query(
      `INSERT INTO notification (event, entity_type, entity_id, recipient_email, data, idempotency_key, mandatory, status, updated_at)
       VALUES ('notifications.test', 'test', $1, 'lost-job@example.no', '{"requestedBy":"test"}', $2, true, 'queued', now() - interval '45 seconds')
       RETURNING id`,
      [entityId, `lost-job|${entityId}`],
    );
    await client.flushall();
    const status = async () => (await t.dataSource.query(`SELECT status FROM notification WHERE id = $1`, [id]))[0].status;
    await until('the notification was not sent', 15_000, async () => (await status()) === 'sent');
  });
});
