import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { CommonErrors as C } from '../common/common.errors';
import { DomainError } from '../common/problem';

/** One request under an Idempotency-Key: whose key it is, the key, and what the request was. */
export interface IdempotentRequest {
  /** Keys are per caller: the same key from two users are two keys. */
  scope: string;
  key: string;
  /** SHA-256 of the method, path and body (fingerprintOf). */
  fingerprint: string;
}

export interface IdempotentResult<T> {
  /** true: the stored response of an earlier request with the same key; nothing was done now. */
  replayed: boolean;
  status: number;
  body: T;
}

const KEY = /^[\x21-\x7e]{1,200}$/;

/** The Idempotency-Key header as sent, checked: 1–200 printable ASCII characters without spaces; undefined when absent. */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = Array.isArray(header) ? header[0] : header;
  if (!KEY.test(key)) {
    throw DomainError.validation(
      [{ field: 'Idempotency-Key', code: C.INVALID_IDEMPOTENCY_KEY, message: 'the key is 1–200 printable ASCII characters, no spaces' }],
      'The Idempotency-Key header is not usable.',
    );
  }
  return key;
}

/** What makes two requests "the same": method, path and body, the body's keys in a fixed order. */
export function fingerprintOf(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${path}\n${stableJson(body ?? null)}`)
    .digest('hex');
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * Runs `work` at most once per key, in the caller's transaction. The key row is inserted first: a concurrent request
 * with the same key waits on that insert until the first transaction ends, then reads its stored response (or, if
 * the first rolled back, does the work itself). The same key with another request is a 422 IDEMPOTENCY_KEY_REUSED.
 * Only success is stored: a refused request changed nothing, and sending it again asks again.
 */
export async function once<T>(
  m: EntityManager,
  req: IdempotentRequest | undefined,
  at: Date,
  work: () => Promise<{ status: number; body: T }>,
): Promise<IdempotentResult<T>> {
  if (!req) return { replayed: false, ...(await work()) };
  const inserted: unknown[] = await m.query(
    `INSERT INTO idempotency_key (scope, key, fingerprint, created_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
    [req.scope, req.key, req.fingerprint, at.toISOString()],
  );
  if (inserted.length) {
    const result = await work();
    await m.query(`UPDATE idempotency_key SET status = $3, response = $4 WHERE scope = $1 AND key = $2`, [
      req.scope,
      req.key,
      result.status,
      JSON.stringify(result.body),
    ]);
    return { replayed: false, ...result };
  }
  const [stored]: Array<{ fingerprint: string; status: number; response: T }> = await m.query(
    `SELECT fingerprint, status, response FROM idempotency_key WHERE scope = $1 AND key = $2`,
    [req.scope, req.key],
  );
  if (stored.fingerprint !== req.fingerprint) {
    throw DomainError.unprocessable(
      C.IDEMPOTENCY_KEY_REUSED,
      'This Idempotency-Key was used for another request (another method, path or body); use a new key for a new request.',
    );
  }
  return { replayed: true, status: stored.status, body: stored.response };
}
