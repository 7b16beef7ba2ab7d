/**
 * The one UUID check of the code, for path parameters, query filters and request bodies alike: the canonical text
 * form PostgreSQL's uuid type reads (any version), so a value that passes it never makes the database fail, and a
 * value that fails it is answered before any SQL (a 404 for an id in a path, a 400 for a field).
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): boolean {
  return typeof value === 'string' && UUID.test(value);
}
