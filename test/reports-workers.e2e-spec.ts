import { ReminderRegistry } from '../src/notifications/reminders';
import { createTestApp, TestApp } from './support/app';
import { municipalitiesWritingIn } from './support/decisions';
import { describeWith } from './support/drivers';
import { eventually, settled } from './support/eventually';
import { MunicipalityPool, setClock } from './support/fixtures';
import { activeGrant, grantReports } from './support/reports';
import { startSmtpServer, SmtpTestServer } from './support/smtp';

/**
 * Two worker processes (two app instances on one database, and one Redis when REDIS_URL is set) both run the reminder
 * schedule every 150 ms: each report reminder (14 and 3 days before the due date, the day after it was missed) still
 * reaches the consortium's contact exactly once, in the lead municipality's language.
 */
describeWith('DATABASE_URL', 'follow-up reports: reminders with two workers', () => {
  let a: TestApp;
  let b: TestApp;
  let smtp: SmtpTestServer;
  const scans = { a: 0, b: 0 };

  beforeAll(async () => {
    smtp = await startSmtpServer();
    const env = { SMTP_URL: smtp.url, REMINDER_INTERVAL_MS: '150', NOTIFY_RELAY_INTERVAL_MS: '200', NOTIFY_BACKOFF_MS: '40' };
    a = await createTestApp({ env });
    b = await createTestApp({ env: { ...env, DATABASE_URL: a.config.databaseUrl, QUEUE_PREFIX: a.config.queuePrefix } });
    // counts the scans of each process, so the test knows the schedule ran many times in both
    for (const [name, app] of [
      ['a', a],
      ['b', b],
    ] as const) {
      app.app.get(ReminderRegistry).register('scan-counter', {
        scan: async () => {
          scans[name]++;
          return [];
        },
      });
    }
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await smtp?.close();
  });

  /** Stands both processes' clocks at `iso`, waits for the reminders that are due and for six more scans. */
  async function at(iso: string, expected: number, mails: () => unknown[]) {
    const restore = [setClock(a, iso), setClock(b, iso)];
    try {
      await eventually(`${expected} reminder(s) by ${iso}`, () => mails().length >= expected, { explain: () => mails().length });
      const before = scans.a + scans.b;
      await eventually('six more scans', () => scans.a + scans.b >= before + 6, { explain: () => scans });
      await settled(a);
      await settled(b);
    } finally {
      restore.forEach((r) => r());
    }
  }

  it('sends each reminder once, however many workers scan', async () => {
    const pool = await MunicipalityPool.create(a, { excludeRegions: ['Helse Midt-Norge'] });
    const members = await municipalitiesWritingIn(a, 'Nynorsk', 2);
    const g = await activeGrant(a, { pool, members, projectStart: '2027-07-01', projectEnd: '2029-12-31' });
    const [report] = await grantReports(a, g.grantId);
    expect(report.dueOn).toBe('2028-03-01');
    const mails = () => smtp.to(g.contact).filter((m) => m.subject.includes('Framdriftsrapport'));

    await at('2028-02-16T08:00:00+01:00', 1, mails); // 14 days before
    await at('2028-02-27T08:00:00+01:00', 2, mails); // 3 days before
    await at('2028-03-02T07:00:00+01:00', 3, mails); // the day after it was missed

    expect(mails().map((m) => m.subject)).toEqual([
      `Påminning: Framdriftsrapport 2028 – frist 1. mars 2028`,
      `Påminning: Framdriftsrapport 2028 – frist 1. mars 2028`,
      `Fristen er passert: Framdriftsrapport 2028 – frist 1. mars 2028`,
    ]);
    // in nynorsk, the lead municipality's written language
    expect(mails()[0].text).toContain('Det er 14 dagar att.');
    expect(mails()[1].text).toContain('Det er 3 dagar att.');
    expect(mails()[2].text).toContain('gjekk ut 1. mars 2028');
    expect(mails()[2].text).toContain(`Saksnummer: ${g.caseNumber}`);
    const rows = await a.dataSource.query(
      `SELECT data->>'occurrence' AS occurrence, status FROM notification WHERE entity_id = $1 AND event = 'report.reminder' ORDER BY created_at`,
      [report.id],
    );
    expect(rows).toEqual([
      { occurrence: '2028-03-01:14d', status: 'sent' },
      { occurrence: '2028-03-01:3d', status: 'sent' },
      { occurrence: '2028-03-01:overdue', status: 'sent' },
    ]);
    // without Redis each process runs its own timer; with it, Bull keeps one schedule and either process may run it
    if (!process.env.REDIS_URL) {
      expect(scans.a).toBeGreaterThan(0);
      expect(scans.b).toBeGreaterThan(0);
    }
  }, 120_000);
});
