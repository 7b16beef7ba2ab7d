import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, TestApp } from './support/app';
import { eventually, settled } from './support/eventually';
import { startSmtpServer, SmtpTestServer } from './support/smtp';

/**
 * The embedded default (in-process queue, embedded database on disk) keeps its jobs in memory only. What was on its
 * way when the process stopped is still in the outbox and must go out after the restart, once.
 */
describe('notifications: the embedded default restarted', () => {
  let smtp: SmtpTestServer;
  let pgliteDir: string;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    pgliteDir = mkdtempSync(join(tmpdir(), 'hto-restart-'));
  });
  afterAll(async () => {
    await smtp.close();
    rmSync(pgliteDir, { recursive: true, force: true });
  });

  const start = (backoffMs: number) =>
    createTestApp({
      embedded: true,
      inlineQueue: true,
      env: { PGLITE_DIR: pgliteDir, SMTP_URL: smtp.url, NOTIFY_BACKOFF_MS: String(backoffMs), NOTIFY_RELAY_INTERVAL_MS: '200' },
    });

  const waitForRow = (t: TestApp, id: string, ok: (row: { status: string; attempts: number }) => boolean) => {
    const row = async () => (await t.dataSource.query(`SELECT status, attempts FROM notification WHERE id = $1`, [id]))[0];
    return eventually(
      `notification ${id}`,
      async () => {
        const r = await row();
        return r && ok(r) && r;
      },
      { explain: row },
    );
  };

  it('sends a mail whose retry was waiting in the stopped process right after the restart, once', async () => {
    // first run: the server is busy, and the retry (an hour away) waits in the in-process queue when the process stops
    const first = await start(3_600_000);
    let id: string;
    try {
      smtp.failNext(1, 451, '4.3.2 Try again later', 'restarted@example.no');
      id = (
        await first.http().post('/api/v1/notifications/test').set(first.auth('officer')).send({ email: 'restarted@example.no' }).expect(202)
      ).body.id;
      await waitForRow(first, id, (r) => r.status === 'rendered' && r.attempts === 1);
    } finally {
      await first.close();
    }
    expect(smtp.to('restarted@example.no')).toHaveLength(0);

    // second run on the same database: the row is picked up at start, not only once it has been idle for ten minutes
    const second = await start(40);
    try {
      const row = await waitForRow(second, id, (r) => r.status === 'sent');
      expect(row.attempts).toBe(2);
      await settled(second);
      expect(smtp.to('restarted@example.no')).toHaveLength(1);
    } finally {
      await second.close();
    }
    // two starts of the embedded default on disk, each migrating its own database from scratch (no snapshot): on a
    // loaded two-core machine that alone took over a minute
  }, 180_000);
});
