import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DomainError } from './problem';
import { CommonErrors as C } from './common.errors';
import { isUuid } from './uuid';

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Keyset cursors: opaque base64url JSON of the sort key of the last row returned. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * What one part of a cursor must be before it reaches SQL, so a forged cursor is refused as INVALID_CURSOR
 * instead of failing in the database (`invalid input syntax for type bigint`): `text` any string, `integer` a safe
 * integer number, `bigint` a string of digits within int8, `uuid` a UUID, `timestamp` a date-time as
 * `exactTimeSql` or `timestamptz::text` writes it.
 */
export type CursorPart = 'text' | 'integer' | 'bigint' | 'uuid' | 'timestamp';

const INT8_MAX = 9223372036854775807n;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)?$/;

function isPart(part: unknown, kind: CursorPart): boolean {
  switch (kind) {
    case 'text':
      return typeof part === 'string';
    case 'integer':
      return Number.isSafeInteger(part);
    case 'bigint':
      return typeof part === 'string' && /^-?\d{1,19}$/.test(part) && BigInt(part) <= INT8_MAX && BigInt(part) >= -INT8_MAX - 1n;
    case 'uuid':
      return isUuid(part);
    case 'timestamp': {
      const m = typeof part === 'string' ? TIMESTAMP.exec(part) : null;
      if (!m) return false;
      const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number);
      const date = new Date(Date.UTC(y, mo - 1, d));
      return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && sec < 60;
    }
  }
}

/**
 * The sort key a cursor carries, checked against the key's shape: a number of parts (each text or a finite number),
 * or better, the kind of each part (see CursorPart). Anything else is a 400 INVALID_CURSOR.
 */
export function decodeCursor(cursor: string | undefined, shape: number | readonly CursorPart[]): unknown[] | undefined {
  if (!cursor) return undefined;
  const arity = typeof shape === 'number' ? shape : shape.length;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // parts are what a page's last row had: text or numbers, never objects, arrays or null a client made up
    if (
      Array.isArray(key) &&
      key.length === arity &&
      key.every((part) => typeof part === 'string' || (typeof part === 'number' && Number.isFinite(part))) &&
      (typeof shape === 'number' || key.every((part, i) => isPart(part, shape[i])))
    )
      return key;
  } catch {
    /* fall through */
  }
  throw invalidCursor();
}

export function invalidCursor(): DomainError {
  return DomainError.validation([{ field: 'cursor', code: C.INVALID_CURSOR, message: 'cursor is not one this API returned' }]);
}

export function pageLimit(q: PageQuery): number {
  return q.limit ?? 50;
}

/** Fetch limit+1 rows, return limit, and a cursor when there was more. */
export function toPage<T>(rows: T[], limit: number, key: (row: T) => unknown[]): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return { items, nextCursor: more ? encodeCursor(key(items[items.length - 1])) : null };
}

/**
 * A timestamptz column as text with all its microseconds, for cursors: a JS Date keeps milliseconds only,
 * and a cursor built from one sorts before (or after) its own row, repeating or skipping rows.
 */
export function exactTimeSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

type KeyPart = string | number;

function compareKeys(a: KeyPart[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i] as KeyPart;
    if (x === y) continue;
    return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * The paging contract of every list, for short lists read whole (reference lists, an application's versions):
 * sorted by `key` (code-point order, so the cursor compares the way the sort did), then cut after the cursor.
 */
export function pageInMemory<T>(rows: T[], q: PageQuery, key: (row: T) => KeyPart[]): Page<T> {
  const sorted = [...rows].sort((a, b) => compareKeys(key(a), key(b)));
  const limit = pageLimit(q);
  const sample = sorted[0] ? key(sorted[0]) : undefined;
  const after = decodeCursor(q.cursor, sample?.length ?? 1);
  // each part of the same type as the key's: a hand-made cursor would otherwise compare a number with a string
  if (after && sample && !after.every((part, i) => typeof part === typeof sample[i])) throw invalidCursor();
  const rest = after ? sorted.filter((r) => compareKeys(key(r), after) > 0) : sorted;
  return toPage(rest.slice(0, limit + 1), limit, key);
}
