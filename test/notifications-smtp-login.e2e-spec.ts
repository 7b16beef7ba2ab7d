import { createTestApp, TestApp } from './support/app';
import { startSmtpServer, SmtpTestServer } from './support/smtp';
import { eventually } from './support/eventually';

const PASSWORD = 'Relay-Passord-7f3a9c';
const MAX_ATTEMPTS = 4;

/**
 * A relay that requires a login (SMTP_URL carries the user and password). A refused login is trouble on our side
 * that hits every mail alike (credentials being rotated), not a verdict on one recipient: it is retried like a
 * busy server, and the password never shows in what operators see.
 */
describe('notifications: an SMTP relay that requires a login', () => {
  let t: TestApp;
  let smtp: SmtpTestServer;

  beforeAll(async () => {
    smtp = await startSmtpServer({ auth: { user: 'hto-relay', pass: PASSWORD } });
    t = await createTestApp({
      env: { SMTP_URL: smtp.url, NOTIFY_BACKOFF_MS: '40', NOTIFY_MAX_ATTEMPTS: String(MAX_ATTEMPTS), NOTIFY_RELAY_INTERVAL_MS: '200' },
    });
  });
  afterAll(async () => {
    await t?.close();
    await smtp.close();
  });

  const sendTest = async (email: string) =>
    (await t.http().post('/api/v1/notifications/test').set(t.auth('officer')).send({ email }).expect(202)).body.id as string;

  async function waitForStatus(id: string, status: string): Promise<{ status: string; attempts: number; last_error: string | null }> {
    const row = async () => (await t.dataSource.query(`SELECT status, attempts, last_error FROM notification WHERE id = $1`, [id]))[0];
    return eventually(
      `notification ${id} to be ${status}`,
      async () => {
        const r = await row();
        return r?.status === status && r;
      },
      { explain: row },
    );
  }

  it('retries while the relay refuses our login and delivers once when it accepts it again', async () => {
    smtp.failLoginNext(2);
    const id = await sendTest('login-retry@example.no');
    const row = await waitForStatus(id, 'sent');
    expect(row.attempts).toBe(3);
    expect(smtp.loginsRefused).toBe(2);
    expect(smtp.to('login-retry@example.no')).toHaveLength(1);
  });

  it('ends in failed after the maximum attempts, with an error that does not reveal the password, and an operator retry delivers it', async () => {
    smtp.failLoginNext(MAX_ATTEMPTS);
    const id = await sendTest('login-refused@example.no');
    const row = await waitForStatus(id, 'failed');
    expect(row.attempts).toBe(MAX_ATTEMPTS);
    expect(row.last_error).toMatch(/535/);

    const seen = await t.http().get(`/api/v1/notifications/${id}`).set(t.auth('officer')).expect(200);
    expect(seen.body.lastError).toMatch(/535/);
    expect(JSON.stringify(seen.body)).not.toContain(PASSWORD);
    const health = await t.http().get('/health/ready').expect(200);
    expect(JSON.stringify(health.body)).not.toContain(PASSWORD);

    await t.http().post(`/api/v1/notifications/${id}/retry`).set(t.auth('admin')).expect(202);
    await waitForStatus(id, 'sent');
    expect(smtp.to('login-refused@example.no')).toHaveLength(1);
  });
});
