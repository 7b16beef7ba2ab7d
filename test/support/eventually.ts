import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MAIL_QUEUE, PREPARE_QUEUE } from '../../src/notifications/notification.jobs';
import { QueuePort } from '../../src/queue/queue.port';

type Probe<T> = () => T | undefined | null | false | Promise<T | undefined | null | false>;

/**
 * Polls `probe` until it returns a truthy value and returns that value; fails naming `what` (and, if given, the state
 * `explain` reports) when `timeoutMs` passes. The one way tests wait for something that happens asynchronously.
 */
export async function eventually<T>(
  what: string,
  probe: Probe<T>,
  opts: { timeoutMs?: number; intervalMs?: number; explain?: () => unknown } = {},
): Promise<T> {
  const { timeoutMs = 30000, intervalMs = 25 } = opts;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) {
      const state = opts.explain ? `: ${JSON.stringify(await opts.explain())}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${state}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

const IN_FLIGHT = `SELECT count(*)::int AS n FROM notification WHERE status IN ('pending', 'queued', 'sending')`;

/**
 * Waits until nothing is left to happen now: the notification queues have no waiting, running or delayed job and the
 * outbox has no row on its way (pending, queued, sending), twice in a row. Tests call it instead of a fixed sleep
 * before asserting that something did *not* happen (a second mail, a resend).
 */
export async function settled(t: { app: INestApplication; dataSource: DataSource }, timeoutMs = 30000): Promise<void> {
  const queue = t.app.get(QueuePort);
  const deadline = Date.now() + timeoutMs;
  let quietRounds = 0;
  while (quietRounds < 2) {
    const left = Math.max(1, deadline - Date.now());
    await queue.drain(PREPARE_QUEUE, left);
    await queue.drain(MAIL_QUEUE, left);
    const [{ n }] = await t.dataSource.query(IN_FLIGHT);
    quietRounds = n === 0 ? quietRounds + 1 : 0;
    if (quietRounds < 2 && Date.now() > deadline) throw new Error(`the outbox did not settle in ${timeoutMs} ms (${n} in flight)`);
    if (n > 0) await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until some other session waits on a lock held by the session `pid` (the race is then certain, not likely). */
export function untilBlockedBy(client: { query: (sql: string, params: unknown[]) => Promise<{ rows: any[] }> }, pid: number) {
  return eventually(`a session blocked by ${pid}`, async () => {
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))`, [pid]);
    return rows[0].n > 0;
  });
}
