import { DEFAULT_DEMO_PASSWORD } from '../../src/identity/demo-seed';
import { TestApp } from './app';

export const DEMO_PASSWORD = DEFAULT_DEMO_PASSWORD;

export interface Pair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** Signs in through the API, as a client would. */
export async function login(t: TestApp, email: string, password = DEMO_PASSWORD, address?: string): Promise<Pair> {
  const req = t.http().post('/api/v1/auth/login');
  if (address) req.set('X-Forwarded-For', address);
  const res = await req.send({ email, password });
  if (res.status !== 200) throw new Error(`login ${email} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export interface AuditRow {
  seq: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  actor_user_id: string | null;
  actor_token_id: string | null;
  actor_label: string | null;
  actor_roles: string[];
  diff: Record<string, { before: unknown; after: unknown }> | null;
  client_address: string | null;
  request_id: string | null;
}

/** Audit rows straight from the table (not through the API under test), oldest first. */
export async function auditRows(t: TestApp, where = 'true', params: unknown[] = []): Promise<AuditRow[]> {
  return t.dataSource.query(
    `SELECT seq::text AS seq, action, entity_type, entity_id, actor_user_id::text AS actor_user_id, actor_token_id::text AS actor_token_id,
                                    actor_label, actor_roles, diff, client_address, request_id
                               FROM audit_event WHERE ${where} ORDER BY audit_event.seq`,
    params,
  );
}
