import { createTestApp, TestApp } from './support/app';
import { bearer } from './support/auth';
import { eventually } from './support/eventually';

/** GET /metrics: Prometheus text for a scraper holding an admin's metrics:read token; nobody else. */
describe('metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const scrape = async (headers: Record<string, string>) => (await t.http().get('/metrics').set(headers).expect(200)).text;
  const value = (text: string, series: string): number | undefined => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  it('is not public: 401 without a token, 403 for roles without metrics:read', async () => {
    await t.http().get('/metrics').expect(401);
    for (const role of ['officer', 'auditor', 'applicant'] as const) {
      const res = await t.http().get('/metrics').set(t.auth(role)).expect(403);
      expect(res.body.code).toBe('FORBIDDEN');
    }
  });

  it('counts and times requests per route pattern, not per path', async () => {
    const id = 'c5e0b1d4-0000-4000-8000-000000000001';
    await t.http().get(`/api/v1/consortia/${id}`).set(t.auth('officer')).expect(404);
    await t.http().get('/health/live').expect(200);
    const text = await scrape(t.auth('admin'));
    expect(text).toContain('# TYPE hto_http_requests_total counter');
    expect(value(text, 'hto_http_requests_total{method="GET",route="/api/v1/consortia/:id",status="404"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'hto_http_request_duration_seconds_count{method="GET",route="/health/live"}')).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(id);
    expect(text).toMatch(/^hto_process_resident_memory_bytes \d+/m);
  });

  it('reports the outbox backlog, failed notifications, queue depths and the audit chain head and backlog', async () => {
    const [{ id }] = await t.dataSource.query(
      `INSERT INTO notification (event, entity_type, entity_id, recipient_email, status, attempts, last_error, idempotency_key, mandatory)
       VALUES ('test.metrics', 'test', 'x', 'feil@demo.local', 'failed', 8, 'smtp refused', 'metrics-failed-1', false) RETURNING id`,
    );
    expect(id).toBeDefined();
    // an audited write (a user created) moves the chain's head once it is sealed
    const before = value(await scrape(t.auth('admin')), 'hto_audit_chain_head_seq')!;
    await t
      .http()
      .post('/api/v1/users')
      .set(t.auth('admin'))
      .send({ email: 'maaling@demo.local', displayName: 'Måling', roles: ['evaluator'] })
      .expect(201);
    const text = await eventually('the new audit entry sealed and reported', async () => {
      const text = await scrape(t.auth('admin'));
      return value(text, 'hto_audit_chain_head_seq')! > before && text;
    });
    expect(value(text, 'hto_audit_unsealed')).toEqual(expect.any(Number));
    expect(value(text, 'hto_notifications_failed')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'hto_outbox_backlog{status="pending"}')).toEqual(expect.any(Number));
    expect(text).toContain('# TYPE hto_queue_jobs gauge');
  });

  it('answers a scraper holding an API token scoped to metrics:read', async () => {
    const created = await t
      .http()
      .post('/api/v1/api-tokens')
      .set(t.auth('admin'))
      .send({ name: 'prometheus', scopes: ['metrics:read'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() })
      .expect(201);
    expect(await scrape(bearer(created.body.token))).toContain('hto_http_requests_total');
  });
});
