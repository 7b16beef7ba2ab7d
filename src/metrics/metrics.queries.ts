import { EntityManager } from 'typeorm';

/** The raw SQL behind the gauges of /metrics: cheap reads on indexes, run at each scrape. */

/** Outbox rows per status, for the statuses that are not final (the backlog) and `failed`. */
export function notificationCounts(m: EntityManager): Promise<Array<{ status: string; n: number }>> {
  return m.query(
    `SELECT status, count(*)::int AS n FROM notification
      WHERE status IN ('pending', 'queued', 'rendered', 'sending', 'digest', 'failed') GROUP BY status`,
  );
}
