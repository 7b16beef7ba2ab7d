import { randomUUID } from 'node:crypto';
import { Transactions } from '../src/database/transaction';
import { MAIL_QUEUE } from '../src/notifications/notification.jobs';
import { NotificationScheduler } from '../src/notifications/notification.scheduler';
import { NotificationService } from '../src/notifications/notification.service';
import { OutboxRelay } from '../src/notifications/outbox-relay';
import { ReminderRegistry } from '../src/notifications/reminders';
import { QueuePort } from '../src/queue/queue.port';
import { createTestApp, TestApp } from './support/app';
import { eventually, settled } from './support/eventually';
import { startSmtpServer, SmtpTestServer } from './support/smtp';

const MAX_ATTEMPTS = 4;

/**
 * The notification pipeline end to end: outbox → relay → queue (Bull on Redis when REDIS_URL is set, else in-process)
 * → prepare → send → a real SMTP server started here.
 */
describe('notifications: outbox, queue and mail delivery', () => {
  let t: TestApp;
  let smtp: SmtpTestServer;
  let notifications: NotificationService;
  let tx: Transactions;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp({
      env: { SMTP_URL: smtp.url, NOTIFY_BACKOFF_MS: '40', NOTIFY_MAX_ATTEMPTS: String(MAX_ATTEMPTS), NOTIFY_RELAY_INTERVAL_MS: '200' },
    });
    notifications = t.app.get(NotificationService);
    tx = t.app.get(Transactions);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const statuses = async (
    where: string,
    params: unknown[],
  ): Promise<Array<{ id: string; recipient_email: string; status: string; attempts: number; last_error: string | null }>> =>
    t.dataSource.query(
      `SELECT id, recipient_email, status, attempts, last_error FROM notification WHERE ${where} ORDER BY recipient_email`,
      params,
    );

  const waitForStatus = (id: string, status: string) =>
    eventually(`notification ${id} to be ${status}`, async () => {
      const [row] = await statuses('id = $1', [id]);
      return row?.status === status && row;
    });

  const sendTest = async (email: string, extra: Record<string, unknown> = {}) => {
    const res = await t
      .http()
      .post('/api/v1/notifications/test')
      .set(t.auth('officer'))
      .send({ email, ...extra })
      .expect(202);
    return res.body.id as string;
  };

  it('uses the queue driver the environment asks for', () => {
    expect(t.app.get(QueuePort).driverName).toBe(process.env.REDIS_URL ? 'bull' : 'inline');
  });

  it('delivers 500 notifications from one burst exactly once each, even when relays and jobs run twice', async () => {
    const entityId = randomUUID();
    const recipients = Array.from({ length: 500 }, (_, i) => ({
      email: `burst-${String(i).padStart(3, '0')}@example.no`,
      name: `Mottaker ${i}`,
    }));
    await tx.run((m) =>
      notifications.notify(m, { event: 'notifications.test', entityType: 'burst', entityId, recipients, data: { requestedBy: 'burst' } }),
    );
    // a second relay racing the after-commit nudge, as another API or worker process would
    const relay = t.app.get(OutboxRelay);
    await Promise.all([relay.relayBatch(), relay.relayBatch(), relay.relayBatch()]);

    await eventually(
      '500 sent',
      async () =>
        (await t.dataSource.query(`SELECT count(*)::int AS n FROM notification WHERE entity_id = $1 AND status = 'sent'`, [entityId]))[0]
          .n === 500,
      // 500 mails through a real SMTP server: on a loaded two-core machine this takes longer than the default wait
      { timeoutMs: 150_000 },
    );
    const burst = () => smtp.messages.filter((m) => m.to[0]?.startsWith('burst-'));
    await eventually('500 mails', async () => burst().length >= 500, { timeoutMs: 30_000 });

    // replay stage 2 for every row under new job ids, as a restarted worker might: the DB claim refuses each one
    const queue = t.app.get(QueuePort);
    const rows: Array<{ id: string; generation: number }> = await t.dataSource.query(
      `SELECT id, generation FROM notification WHERE entity_id = $1`,
      [entityId],
    );
    for (const r of rows.slice(0, 50))
      await queue.add(MAIL_QUEUE, 'send', { id: r.id, generation: r.generation }, { jobId: `replay-${r.id}` });
    await queue.drain(MAIL_QUEUE);
    await settled(t);

    const mails = burst();
    expect(mails).toHaveLength(500);
    expect(new Set(mails.map((m) => m.to[0])).size).toBe(500);
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(500);
    const one = smtp.to('burst-042@example.no')[0];
    expect(one.subject).toBe('Testvarsel fra Helseteknologiordningen');
    expect(one.text).toContain('Hei Mottaker 42,');
  }, 240_000);

  it('retries after temporary SMTP failures and delivers once', async () => {
    const refusedBefore = smtp.refused;
    smtp.failNext(2, 451, '4.3.2 Try again later', 'retry@example.no');
    const id = await sendTest('retry@example.no');
    const row = await waitForStatus(id, 'sent');
    expect(row.attempts).toBe(3);
    expect(smtp.refused - refusedBefore).toBe(2);
    expect(smtp.to('retry@example.no')).toHaveLength(1);
  });

  it('gives up after the maximum attempts with the last error, visible to operators', async () => {
    smtp.failNext(MAX_ATTEMPTS, 451, '4.7.1 Greylisted, come back later', 'busy@example.no');
    const id = await sendTest('busy@example.no');
    const row = await waitForStatus(id, 'failed');
    expect(row.attempts).toBe(MAX_ATTEMPTS);
    expect(row.last_error).toMatch(/Greylisted/);
    expect(smtp.to('busy@example.no')).toHaveLength(0);
  });

  it('ends a permanently refused address in failed, and an operator retry delivers it once the server accepts', async () => {
    smtp.reject('nobody@example.no');
    const id = await sendTest('nobody@example.no');
    await waitForStatus(id, 'failed');

    const failed = await t.http().get('/api/v1/notifications').query({ status: 'failed', limit: 100 }).set(t.auth('officer')).expect(200);
    const item = failed.body.items.find((n: { id: string }) => n.id === id);
    expect(item).toMatchObject({ status: 'failed', recipient: { email: 'nobody@example.no' }, attempts: 1 });
    expect(item.lastError).toMatch(/550|User unknown/);

    // applicants do not operate the pipeline
    await t.http().get('/api/v1/notifications').set(t.auth('applicant')).expect(403);
    await t.http().post(`/api/v1/notifications/${id}/retry`).set(t.auth('applicant')).expect(403);

    smtp.allow('nobody@example.no');
    const retried = await t.http().post(`/api/v1/notifications/${id}/retry`).set(t.auth('admin')).expect(202);
    expect(retried.body.status).toBe('pending');
    await waitForStatus(id, 'sent');
    expect(smtp.to('nobody@example.no')).toHaveLength(1);

    const again = await t.http().post(`/api/v1/notifications/${id}/retry`).set(t.auth('officer')).expect(409);
    expect(again.body.code).toBe('NOTIFICATION_NOT_RETRYABLE');
    await t.http().post(`/api/v1/notifications/${randomUUID()}/retry`).set(t.auth('officer')).expect(404);
    await t.http().post('/api/v1/notifications/not-an-id/retry').set(t.auth('officer')).expect(404);
    const bad = await t.http().get('/api/v1/notifications').query({ status: 'lost' }).set(t.auth('officer')).expect(400);
    expect(bad.body.errors[0].field).toBe('status');
  });

  it('sends a row whose worker died mid-send once its claim expires, though its job already finished', async () => {
    smtp.reject('mid-send@example.no');
    const id = await sendTest('mid-send@example.no');
    await waitForStatus(id, 'failed');
    // the row is marked before its job is done in the queue's books: wait until that job has finished
    await t.app.get(QueuePort).drain(MAIL_QUEUE);
    // what a worker that claimed the row and died before the server had the mail leaves behind, once Bull's
    // stalled-job check has re-run its job (the claim was still fresh then, so that run did nothing)
    await t.dataSource.query(
      `UPDATE notification SET status = 'sending', last_error = NULL, updated_at = now() - interval '11 minutes' WHERE id = $1`,
      [id],
    );
    smtp.allow('mid-send@example.no');
    await t.app.get(OutboxRelay).relayBatch();
    const row = await waitForStatus(id, 'sent');
    expect(row.attempts).toBe(2);
    expect(smtp.to('mid-send@example.no')).toHaveLength(1);
  });

  it('records a mail the server accepted after its claim had expired as sent, and does not send it again', async () => {
    const slow = smtp.hold('slow@example.no');
    const id = await sendTest('slow@example.no');
    await slow.held; // claimed and handed to the server, which takes its time
    await t.dataSource.query(`UPDATE notification SET updated_at = now() - interval '11 minutes' WHERE id = $1`, [id]);
    await t.app.get(OutboxRelay).relayBatch(); // the claim has expired: released for whoever runs the job next
    slow.release();
    const row = await waitForStatus(id, 'sent');
    expect(row.attempts).toBe(1);
    // later sweeps find it done
    await t.dataSource.query(`UPDATE notification SET updated_at = now() - interval '11 minutes' WHERE id = $1`, [id]);
    await t.app.get(OutboxRelay).relayBatch();
    await settled(t);
    expect(smtp.to('slow@example.no')).toHaveLength(1);
  });

  it('counts attempts on the notification, so a re-picked one does not get a fresh set of attempts', async () => {
    smtp.reject('counted@example.no');
    const id = await sendTest('counted@example.no');
    await waitForStatus(id, 'failed');
    // waiting for its last retry when the job was lost (an in-process queue restarted, Redis lost its data)
    await t.dataSource.query(
      `UPDATE notification SET status = 'rendered', attempts = $2, updated_at = now() - interval '11 minutes' WHERE id = $1`,
      [id, MAX_ATTEMPTS - 1],
    );
    smtp.allow('counted@example.no');
    smtp.failNext(1, 451, '4.3.2 Still busy', 'counted@example.no');
    await t.app.get(OutboxRelay).relayBatch();
    const row = await waitForStatus(id, 'failed');
    expect(row.attempts).toBe(MAX_ATTEMPTS);
    expect(row.last_error).toMatch(/Still busy/);
    await settled(t);
    expect(smtp.to('counted@example.no')).toHaveLength(0);
  });

  it('does not send again when recording "sent" fails once after the server accepted the mail', async () => {
    // a database hiccup on exactly that update, once (a sequence is not rolled back with the failed statement)
    await t.dataSource.query(`CREATE SEQUENCE test_sent_hiccup`);
    await t.dataSource.query(`
      CREATE FUNCTION test_sent_hiccup() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status = 'sent' AND NEW.recipient_email = 'recorded@example.no' AND nextval('test_sent_hiccup') = 1 THEN
          RAISE EXCEPTION 'terminating connection due to administrator command';
        END IF;
        RETURN NEW;
      END $$`);
    await t.dataSource.query(
      `CREATE TRIGGER test_sent_hiccup BEFORE UPDATE ON notification FOR EACH ROW EXECUTE FUNCTION test_sent_hiccup()`,
    );
    try {
      const id = await sendTest('recorded@example.no');
      const row = await waitForStatus(id, 'sent');
      expect(row.attempts).toBe(1);
      await settled(t);
      expect(smtp.to('recorded@example.no')).toHaveLength(1);
    } finally {
      await t.dataSource.query(`DROP TRIGGER test_sent_hiccup ON notification`);
      await t.dataSource.query(`DROP FUNCTION test_sent_hiccup()`);
      await t.dataSource.query(`DROP SEQUENCE test_sent_hiccup`);
    }
  });

  it('sends nothing for a rolled-back transaction', async () => {
    const entityId = randomUUID();
    await expect(
      tx.run(async (m) => {
        await notifications.notify(m, {
          event: 'notifications.test',
          entityType: 'rollback',
          entityId,
          recipients: [{ email: 'rolled-back@example.no' }],
          data: { requestedBy: 'x' },
        });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    // a committed notification made after it arrives, so the pipeline had every chance to send the other
    const control = await sendTest('after-rollback@example.no');
    await waitForStatus(control, 'sent');
    await t.app.get(OutboxRelay).relayBatch();
    await settled(t);
    expect(await statuses('entity_id = $1', [entityId])).toEqual([]);
    expect(smtp.to('rolled-back@example.no')).toHaveLength(0);
  });

  it('writes to a nynorsk municipality in nynorsk and to Oslo in bokmål', async () => {
    const entityId = randomUUID();
    // the language a municipality is written to, as the API gives it (its målform; Oslo's "nøytral" is bokmål)
    const languageOf = async (number: string) => (await t.http().get(`/api/v1/municipalities/${number}`).expect(200)).body.language;
    const voldaLanguage = await languageOf('1577');
    const osloLanguage = await languageOf('0301');
    expect([voldaLanguage, osloLanguage]).toEqual(['nn', 'nb']);
    await tx.run(async (m) => {
      await notifications.notify(m, {
        event: 'deadline.reminder',
        entityType: 'report',
        entityId,
        recipients: [
          { email: 'postmottak@volda.kommune.no', name: 'Volda kommune', language: voldaLanguage },
          { email: 'postmottak@oslo.kommune.no', name: 'Oslo kommune', language: osloLanguage },
        ],
        data: { reminder: 'none', title: 'Sluttrapport', deadline: '2031-03-01T22:59:00Z' },
      });
    });
    await smtp.waitFor(1);
    await eventually(
      'both mails',
      async () => smtp.to('postmottak@volda.kommune.no').length + smtp.to('postmottak@oslo.kommune.no').length === 2,
    );
    const [volda] = smtp.to('postmottak@volda.kommune.no');
    const [oslo] = smtp.to('postmottak@oslo.kommune.no');
    expect(volda.subject).toBe('Påminning: Sluttrapport – frist 1. mars 2031');
    expect(volda.text).toContain('dagar att');
    expect(volda.text).toContain('Med venleg helsing');
    expect(volda.html).toContain('<strong>Sluttrapport</strong>');
    expect(oslo.subject).toBe('Påminnelse: Sluttrapport – frist 1. mars 2031');
    expect(oslo.text).toContain('dager igjen');
    expect(oslo.text).toContain('Med vennlig hilsen');
  });

  it("follows a user's language preference unless the sender sets the language", async () => {
    await t.http().patch('/api/v1/me/notification-preferences').set(t.auth('approver')).send({ language: 'nn' }).expect(200);
    const own = await sendTest('approver@demo.local');
    const explicit = await sendTest('approver@demo.local', { language: 'nb' });
    await waitForStatus(own, 'sent');
    await waitForStatus(explicit, 'sent');
    const subjects = smtp.to('approver@demo.local').map((m) => m.subject);
    expect(subjects.sort()).toEqual(['Testvarsel fra Helseteknologiordningen', 'Testvarsel frå Helseteknologiordninga']);
    const bad = await t.http().patch('/api/v1/me/notification-preferences').set(t.auth('approver')).send({ language: 'sv' }).expect(400);
    expect(bad.body.errors[0].field).toBe('language');
  });

  it('skips non-mandatory notifications for a user who opted out, but still sends mandatory ones', async () => {
    const prefs = await t.http().patch('/api/v1/me/notification-preferences').set(t.auth('applicant2')).send({ optOut: true }).expect(200);
    expect(prefs.body).toEqual({ language: null, optOut: true, digest: false });
    const entityId = randomUUID();
    await tx.run((m) =>
      notifications.notify(m, {
        event: 'deadline.reminder',
        entityType: 'report',
        entityId,
        recipients: [{ email: 'applicant2@demo.local' }],
        data: { reminder: 'none', title: 'Delrapport', deadline: '2031-01-01T12:00:00Z' },
      }),
    );
    const [reminder] = await statuses('entity_id = $1', [entityId]);
    const skipped = await waitForStatus(reminder.id, 'skipped');
    expect(skipped.last_error).toMatch(/opted out/);
    const mandatory = await sendTest('applicant2@demo.local');
    await waitForStatus(mandatory, 'sent');
    expect(smtp.to('applicant2@demo.local').map((m) => m.subject)).toEqual(['Testvarsel fra Helseteknologiordningen']);
  });

  it('gathers non-mandatory notifications into one daily digest for a user who chose it', async () => {
    await t.http().patch('/api/v1/me/notification-preferences').set(t.auth('applicant')).send({ digest: true }).expect(200);
    const ids: string[] = [];
    for (const title of ['Delrapport 2030', 'Sluttrapport 2031']) {
      await tx.run(async (m) =>
        ids.push(
          ...(await notifications.record(m, {
            event: 'deadline.reminder',
            entityType: 'report',
            entityId: randomUUID(),
            recipients: [{ email: 'applicant@demo.local' }],
            data: { reminder: 'none', title, deadline: '2031-06-01T12:00:00Z' },
          })),
        ),
      );
    }
    for (const id of ids) await waitForStatus(id, 'digest');
    const mandatory = await sendTest('applicant@demo.local');
    await waitForStatus(mandatory, 'sent');
    expect(smtp.to('applicant@demo.local')).toHaveLength(1); // the mandatory one went straight out

    const scheduler = t.app.get(NotificationScheduler);
    expect(await scheduler.sendDigests(new Date('2030-01-15T05:30:00Z'))).toBe(0); // 06:30 in Oslo: too early
    expect(await scheduler.sendDigests(new Date('2030-01-15T08:00:00Z'))).toBe(1);
    await eventually('the digest', async () => smtp.to('applicant@demo.local').length === 2);
    const digest = smtp.to('applicant@demo.local')[1];
    expect(digest.subject).toBe('Dagens varsler fra Helseteknologiordningen (15. januar 2030)');
    expect(digest.text).toContain('Påminnelse: Delrapport 2030');
    expect(digest.text).toContain('Påminnelse: Sluttrapport 2031');
    for (const id of ids) expect((await statuses('id = $1', [id]))[0].status).toBe('digested');

    // a second run the same day finds nothing to gather
    expect(await scheduler.sendDigests(new Date('2030-01-15T09:00:00Z'))).toBe(0);

    const mine = await t.http().get('/api/v1/me/notifications').set(t.auth('applicant')).expect(200);
    const bySubject = Object.fromEntries(mine.body.items.map((n: { subject: string; deliveredIn: string }) => [n.subject, n.deliveredIn]));
    expect(bySubject).toEqual({
      'Påminnelse: Delrapport 2030 – frist 1. juni 2031': 'digest',
      'Påminnelse: Sluttrapport 2031 – frist 1. juni 2031': 'digest',
      'Testvarsel fra Helseteknologiordningen': 'mail',
    });
  });

  it('lists in-app only what was sent to the caller', async () => {
    const mine = await t.http().get('/api/v1/me/notifications').set(t.auth('applicant2')).expect(200);
    expect(mine.body.items.map((n: { subject: string }) => n.subject)).toEqual(['Testvarsel fra Helseteknologiordningen']);
    const officer = await t.http().get('/api/v1/me/notifications').set(t.auth('officer')).expect(200);
    expect(officer.body.items).toEqual([]);
    await t.http().get('/api/v1/me/notifications').expect(401);
  });

  it('pages the operator list with a cursor', async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const res: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await t
        .http()
        .get('/api/v1/notifications')
        .query({ limit: 100, event: 'notifications.test', ...(cursor ? { cursor } : {}) })
        .set(t.auth('officer'))
        .expect(200);
      res.body.items.forEach((n) => seen.add(n.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM notification WHERE event = 'notifications.test'`);
    expect(seen.size).toBe(n);
    expect(n).toBeGreaterThan(500);
  });

  it('reminds once per due deadline, however often the scan runs, and not at all when no longer due', async () => {
    const due = randomUUID();
    const done = randomUUID();
    t.app.get(ReminderRegistry).register('test-report-due', {
      scan: async () =>
        [due, done].map((entityId) => ({
          entityType: 'report',
          entityId,
          occurrence: '2031-09-01:7d',
          title: `Rapport ${entityId === due ? 'A' : 'B'}`,
          deadline: '2031-09-01T21:59:00Z',
          recipients: [{ email: 'reminded@example.no' }],
        })),
      stillDue: async ({ entityId }) => entityId === due,
    });
    const scheduler = t.app.get(NotificationScheduler);
    expect(await scheduler.runReminders()).toBe(2);
    expect(await scheduler.runReminders()).toBe(0);
    expect(await statuses('entity_id = ANY($1::text[])', [[due, done]])).toHaveLength(2);
    await eventually('the due reminder sent', async () => (await statuses('entity_id = $1', [due]))[0].status === 'sent');
    await eventually('the other skipped', async () => (await statuses('entity_id = $1', [done]))[0].status === 'skipped');
    expect(smtp.to('reminded@example.no').map((m) => m.subject)).toEqual(['Påminnelse: Rapport A – frist 1. september 2031']);
  });

  it('skips, without mail, a notification whose entity is gone by the time it is prepared', async () => {
    // an entity of its own, re-read at send time as every event definition does
    await t.dataSource.query(`CREATE TABLE test_vanishing_entity (id uuid PRIMARY KEY, requested_by text NOT NULL)`);
    try {
      notifications.define({
        event: 'test.vanishing',
        template: 'notification-test',
        mandatory: true,
        variables: ['requestedBy'],
        resolve: async ({ entityId, manager }) => {
          const [row] = await manager.query(`SELECT requested_by FROM test_vanishing_entity WHERE id = $1`, [entityId]);
          return row ? { requestedBy: row.requested_by } : null;
        },
      });
      const [kept, gone] = [randomUUID(), randomUUID()];
      const noApplication = randomUUID();
      const ids = await tx.run(async (m) => {
        await m.query(`INSERT INTO test_vanishing_entity (id, requested_by) VALUES ($1, 'beholdt'), ($2, 'slettet')`, [kept, gone]);
        const out = [
          ...(await notifications.record(m, {
            event: 'test.vanishing',
            entityType: 'test',
            entityId: kept,
            recipients: [{ email: 'vanishing-kept@example.no' }],
          })),
          ...(await notifications.record(m, {
            event: 'test.vanishing',
            entityType: 'test',
            entityId: gone,
            recipients: [{ email: 'vanishing-gone@example.no' }],
          })),
          // the real event of a formal check, about an application that does not exist (any more)
          ...(await notifications.record(m, {
            event: 'application.formal_check',
            entityType: 'application',
            entityId: noApplication,
            recipients: [{ email: 'vanishing-application@example.no' }],
            data: { outcome: 'eligible' },
          })),
        ];
        // gone before the commit that hands the rows to the relay: no worker can see it
        await m.query(`DELETE FROM test_vanishing_entity WHERE id = $1`, [gone]);
        return out;
      });
      expect(ids).toHaveLength(3);
      const [keptId, goneId, applicationId] = ids;
      await waitForStatus(keptId, 'sent');
      for (const id of [goneId, applicationId]) {
        const row = await waitForStatus(id, 'skipped');
        expect(row).toMatchObject({ attempts: 0, last_error: 'no longer relevant when it was about to be sent' });
      }
      expect(smtp.to('vanishing-kept@example.no').map((m) => m.text)).toEqual([expect.stringContaining('beholdt')]);
      expect(smtp.to('vanishing-gone@example.no')).toHaveLength(0);
      expect(smtp.to('vanishing-application@example.no')).toHaveLength(0);
      // nothing is left for a later sweep to pick up and send after all
      await t.app.get(OutboxRelay).relayBatch();
      expect((await statuses('id = ANY($1::uuid[])', [[goneId, applicationId]])).map((r) => r.status)).toEqual(['skipped', 'skipped']);
    } finally {
      await t.dataSource.query(`DROP TABLE test_vanishing_entity`);
    }
  });

  it('refuses an event whose templates are missing, naming the files', () => {
    expect(() =>
      notifications.define({
        event: 'test.missing',
        template: 'no-such-template',
        mandatory: false,
        variables: ['x'],
        resolve: async () => ({ x: 1 }),
      }),
    ).toThrow(/no-such-template\.nb\.hbs is missing[\s\S]*no-such-template\.nn\.hbs is missing/);
    expect(() =>
      notifications.define({
        event: 'test.undeclared',
        template: 'deadline-reminder',
        mandatory: false,
        variables: ['title', 'deadline'],
        resolve: async () => ({}),
      }),
    ).toThrow(/deadline-reminder\.nb\.hbs uses "daysLeft", not declared/);
  });
});
