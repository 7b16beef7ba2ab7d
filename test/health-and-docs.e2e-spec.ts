import SwaggerParser from '@apidevtools/swagger-parser';
import { createTestApp, TestApp } from './support/app';

describe('health and API documentation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('is live and ready with the database and queue checked', async () => {
    await t.http().get('/health/live').expect(200, { status: 'ok' });
    const ready = await t.http().get('/health/ready').expect(200);
    expect(ready.body.checks.database).toMatchObject({ status: 'up', driver: process.env.DATABASE_URL ? 'postgres' : 'pglite' });
    expect(ready.body.checks.queue).toMatchObject({ status: 'up', driver: process.env.REDIS_URL ? 'bull' : 'inline' });
  });

  it('reports 503 problem details while Redis is unreachable', async () => {
    const down = await createTestApp({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    try {
      const res = await down.http().get('/health/ready').expect(503);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({
        code: 'NOT_READY',
        checks: { database: { status: 'up' }, queue: { status: 'down', driver: 'bull' } },
      });
      await down.http().get('/health/live').expect(200);
    } finally {
      await down.close();
    }
  });

  it('serves a valid OpenAPI 3 document and the Swagger UI', async () => {
    const res = await t.http().get('/api/docs-json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(res.body))).resolves.toBeDefined();
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/municipalities', '/api/v1/consortia/{id}', '/health/ready']),
    );
    const ui = await t.http().get('/api/docs').redirects(1).expect(200);
    expect(ui.text).toMatch(/swagger/i);
  });

  it('echoes a caller-supplied request id and makes one otherwise', async () => {
    const mine = await t.http().get('/health/live').set('x-request-id', 'trace-12345678').expect(200);
    expect(mine.headers['x-request-id']).toBe('trace-12345678');
    const made = await t.http().get('/api/v1/municipalities/0000').expect(404);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.body.requestId).toBe(made.headers['x-request-id']);
  });

  it('answers malformed JSON and unknown routes with problem details', async () => {
    const bad = await t
      .http()
      .post('/api/v1/consortia')
      .set(t.auth('officer'))
      .set('content-type', 'application/json')
      .send('{"name": ')
      .expect(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    const none = await t.http().get('/api/v1/nothing-here').expect(404);
    expect(none.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});
