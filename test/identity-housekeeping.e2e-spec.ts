import { JwtService } from '@nestjs/jwt';
import Bull from 'bull';
import {
  IDENTITY_MAINTENANCE_QUEUE,
  IdentityHousekeeping,
  PURGE_EVERY_MS,
  PURGE_JOB,
  PURGE_SCHEDULE_KEY,
} from '../src/identity/identity-housekeeping';
import { API_TOKEN_PREFIX, newSecret, REFRESH_TOKEN_PREFIX, secretHash } from '../src/identity/secrets';
import { QueuePort } from '../src/queue/queue.port';
import { createTestApp, TestApp } from './support/app';
import { bearer } from './support/auth';
import { AuditSealer } from '../src/audit/audit-sealer.service';
import { describeWith } from './support/drivers';
import { eventually } from './support/eventually';

const AUDIT_STATE = `SELECT count(*)::int AS n, (SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1) AS last_hash FROM audit_event`;

/**
 * The daily housekeeping deletes login sessions ended more than 30 days ago (with their refresh tokens) and API
 * tokens ended more than 90 days ago; everything younger, and the audit trail, stays.
 */
describe('identity: housekeeping of ended sessions and API tokens', () => {
  let t: TestApp;
  let housekeeping: IdentityHousekeeping;
  let userId: string;
  beforeAll(async () => {
    t = await createTestApp();
    housekeeping = t.app.get(IdentityHousekeeping);
    userId = t.userIds.officer;
  });
  afterAll(() => t.close());

  /** A session created `createdDaysAgo`, ending `expiresInDays` from now (negative: in the past), optionally revoked. */
  const session = async (createdDaysAgo: number, expiresInDays: number, revokedDaysAgo?: number): Promise<string> => {
    const [{ id }] = await t.dataSource.query(
      `INSERT INTO auth_session (user_id, method, created_at, expires_at, revoked_at, revoked_reason)
       VALUES ($1, 'password', now() - make_interval(days => $2::int), now() + make_interval(days => $3::int),
               now() - make_interval(days => $4::int), CASE WHEN $4::int IS NULL THEN NULL ELSE 'logout' END)
       RETURNING id`,
      [userId, createdDaysAgo, expiresInDays, revokedDaysAgo ?? null],
    );
    return id;
  };
  const refreshToken = async (sessionId: string, rotated: boolean): Promise<string> => {
    const [{ id }] = await t.dataSource.query(
      `INSERT INTO refresh_token (session_id, token_hash, rotated_at) VALUES ($1, $2, CASE WHEN $3::boolean THEN now() END) RETURNING id`,
      [sessionId, secretHash(newSecret(REFRESH_TOKEN_PREFIX)), rotated],
    );
    return id;
  };
  const apiToken = async (
    name: string,
    createdDaysAgo: number,
    expiresInDays: number,
    revokedDaysAgo?: number,
  ): Promise<{ id: string; secret: string }> => {
    const secret = newSecret(API_TOKEN_PREFIX);
    const [{ id }] = await t.dataSource.query(
      `INSERT INTO api_token (user_id, name, token_hash, hint, scopes, created_at, expires_at, revoked_at)
       VALUES ($1, $2, $3, $4, '{me:read}', now() - make_interval(days => $5::int), now() + make_interval(days => $6::int),
               now() - make_interval(days => $7::int))
       RETURNING id`,
      [userId, name, secretHash(secret), secret.slice(-4), createdDaysAgo, expiresInDays, revokedDaysAgo ?? null],
    );
    return { id, secret };
  };
  const ids = async (table: 'auth_session' | 'refresh_token' | 'api_token', among: string[]): Promise<string[]> =>
    (await t.dataSource.query(`SELECT id FROM ${table} WHERE id = ANY($1::uuid[])`, [among])).map((r: { id: string }) => r.id).sort();

  it('deletes what ended long ago, keeps the rest, and live credentials still work', async () => {
    const liveSession: string = t.app.get(JwtService).decode(t.tokens.officer).sid;
    const liveRefresh = await refreshToken(liveSession, false);
    const expired31 = await session(45, -31);
    const expired31Refresh = [await refreshToken(expired31, true), await refreshToken(expired31, false)];
    const expired5 = await session(19, -5);
    const expired5Refresh = await refreshToken(expired5, false);
    // revoked 40 days ago, still far from expiry: goes because of revoked_at alone
    const revoked40 = await session(45, 300, 40);
    const revoked40Refresh = await refreshToken(revoked40, false);
    const revoked10 = await session(12, 2, 10);
    const sessions = [liveSession, expired31, expired5, revoked40, revoked10];

    const tokenExpired100 = await apiToken('utløpt for 100 dager siden', 200, -100);
    const tokenRevoked10 = await apiToken('tilbakekalt for 10 dager siden', 30, 300, 10);
    const tokenRevoked95 = await apiToken('tilbakekalt for 95 dager siden', 120, 200, 95);
    const tokenLive = await apiToken('i bruk', 10, 300);
    const tokens = [tokenExpired100, tokenRevoked10, tokenRevoked95, tokenLive].map((x) => x.id);

    await t.app.get(AuditSealer).sealPending(); // the entries of the set-up sealed, so that only the purge could change the state
    const [auditBefore] = await t.dataSource.query(AUDIT_STATE);

    expect(await housekeeping.purge()).toEqual({ sessions: 2, apiTokens: 2 });

    expect(await ids('auth_session', sessions)).toEqual([liveSession, expired5, revoked10].sort());
    expect(await ids('refresh_token', [liveRefresh, ...expired31Refresh, expired5Refresh, revoked40Refresh])).toEqual(
      [liveRefresh, expired5Refresh].sort(),
    );
    expect(await ids('api_token', tokens)).toEqual([tokenRevoked10.id, tokenLive.id].sort());

    // audit_event is append-only: the purge neither tried to change it nor left a trace in it
    const [auditAfter] = await t.dataSource.query(AUDIT_STATE);
    expect(auditAfter).toEqual(auditBefore);

    const me = await t.http().get('/api/v1/me').set(t.auth('officer')).expect(200);
    expect(me.body).toMatchObject({ user: { email: 'officer@demo.local' }, via: 'session' });
    const viaToken = await t.http().get('/api/v1/me').set(bearer(tokenLive.secret)).expect(200);
    expect(viaToken.body).toMatchObject({ via: 'api-token', tokenId: tokenLive.id });
    await t.http().get('/api/v1/me').set(bearer(tokenRevoked10.secret)).expect(401);

    // nothing left to do: a second run the same day deletes nothing
    expect(await housekeeping.purge()).toEqual({ sessions: 0, apiTokens: 0 });
  });

  it('counts each row once when two workers run it at the same moment, over several batches', async () => {
    const old = [await session(60, -35), await session(60, -40), await session(50, 100, 31)];
    for (const s of old) await refreshToken(s, true);
    // a backlog larger than one batch (1000 rows)
    await t.dataSource.query(
      `INSERT INTO auth_session (user_id, method, created_at, expires_at)
       SELECT $1, 'password', now() - interval '60 days', now() - interval '46 days' FROM generate_series(1, 2500)`,
      [userId],
    );
    const keep = await session(10, -3);
    const tokens = [await apiToken('gammel 1', 300, -91), await apiToken('gammel 2', 200, 100, 92)];

    const [a, b] = await Promise.all([housekeeping.purge(), housekeeping.purge()]);
    expect(a.sessions + b.sessions).toBe(2503);
    expect(a.apiTokens + b.apiTokens).toBe(2);
    expect(await ids('auth_session', [...old, keep])).toEqual([keep]);
    expect(
      await ids(
        'api_token',
        tokens.map((x) => x.id),
      ),
    ).toEqual([]);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM refresh_token WHERE session_id = ANY($1::uuid[])`, [old]);
    expect(n).toBe(0);
  });

  it('runs as a job of its queue in a worker', async () => {
    const ended = await session(60, -40);
    await t.app.get(QueuePort).add(IDENTITY_MAINTENANCE_QUEUE, PURGE_JOB, {});
    await eventually('the purge job to run', async () => (await ids('auth_session', [ended])).length === 0, { timeoutMs: 10000 });
  });

  it('measures the retention from the time it is given', async () => {
    const ended20 = await session(40, -20);
    // 15 days from now, the session ended 35 days before
    expect(await housekeeping.purge(new Date(Date.now() - 15 * 86400_000))).toEqual({ sessions: 0, apiTokens: 0 });
    expect(await ids('auth_session', [ended20])).toEqual([ended20]);
    expect(await housekeeping.purge(new Date(Date.now() + 15 * 86400_000))).toEqual({ sessions: 1, apiTokens: 0 });
    expect(await ids('auth_session', [ended20])).toEqual([]);
  });
});

describeWith('REDIS_URL', 'identity: housekeeping schedule in Redis', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('a worker registers one daily purge schedule', async () => {
    expect(t.config.runWorker).toBe(true);
    const queue = new Bull(IDENTITY_MAINTENANCE_QUEUE, process.env.REDIS_URL!, { prefix: t.config.queuePrefix });
    try {
      // the schedule is added without waiting for it at start-up
      const jobs = await eventually(
        'the purge schedule',
        async () => {
          const found = await queue.getRepeatableJobs();
          return found.length > 0 && found;
        },
        { timeoutMs: 10000 },
      );
      expect(jobs.map((j) => ({ name: j.name, id: j.id, every: Number(j.every) }))).toEqual([
        { name: PURGE_JOB, id: PURGE_SCHEDULE_KEY, every: PURGE_EVERY_MS },
      ]);
    } finally {
      await queue.close();
    }
  });
});
