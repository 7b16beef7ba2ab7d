/** Deterministic JSON: keys sorted at every level, so the same row always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

// PostgreSQL text and jsonb hold neither NUL nor half of a UTF-16 surrogate pair (the driver writes U+FFFD for
// the latter): replaced up front, so the stored value and the hashed value are the same
// eslint-disable-next-line no-control-regex -- NUL is the character to find
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function storable(s: string): string {
  return s.replace(UNSTORABLE, '\ufffd');
}

/** Builds objects from entries: a key named "__proto__" stays an ordinary key instead of setting the prototype. */
export const objectOf = (entries: Array<[string, unknown]>): Record<string, unknown> => Object.fromEntries(entries);

function sortKeys(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return storable(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return objectOf(
      entries.map(([k, x]): [string, unknown] => [storable(k), sortKeys(x)]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
  }
  return v;
}

const SECRET_KEY = /pass(word)?|secret|token|hash|authorization|cookie|otp/i;

/** Secrets never enter the audit trail: values under secret-looking keys are replaced. */
export function redact(value: unknown): unknown {
  if (value === null || value === undefined || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(redact);
  return objectOf(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      k,
      SECRET_KEY.test(k) && v !== null && v !== undefined ? '[REDACTED]' : redact(v),
    ]),
  );
}
