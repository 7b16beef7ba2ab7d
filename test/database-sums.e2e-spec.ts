import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { pgliteDriver } from '../src/database/pglite-driver';
import { sqlInteger, sqlOre } from '../src/database/sql-numbers';
import { describeWith } from './support/drivers';

/**
 * The same queries on both drivers: pg returns bigint and numeric as strings, PGlite a number (or a JavaScript bigint
 * beyond the safe range) for bigint and a string for numeric. sqlOre reads them all alike. Only VALUES lists and
 * generate_series: nothing is written, so the PostgreSQL run needs no database of its own.
 */
function sums(open: () => Promise<DataSource>) {
  let ds: DataSource;
  beforeAll(async () => {
    ds = await open();
  });
  afterAll(() => ds?.destroy());
  const one = async (sql: string): Promise<unknown> => Object.values((await ds.query(sql))[0])[0];

  it('a sum over bigint (numeric in SQL) and a max (bigint) are exact øre', async () => {
    const sum = await one(`SELECT sum(x) FROM (VALUES (125000050::bigint), (74999950::bigint), (-1::bigint)) v(x)`);
    expect(sqlOre(sum)).toBe(199_999_999);
    expect(sqlOre(await one(`SELECT max(x) FROM (VALUES (125000050::bigint), (74999950::bigint)) v(x)`))).toBe(125_000_050);
    expect(sqlInteger(await one(`SELECT count(*) FROM generate_series(1, 3)`))).toBe(3);
  });

  it('a sum over 10 000 rows near the top of the safe range stays exact', async () => {
    // 10 000 × 900 719 925 474 099 = 9 007 199 254 740 990 000 would not fit; 10 000 × 900 719 925 474 = 9 007 199 254 740 000 does
    const sum = await one(`SELECT sum(900719925474::bigint) FROM generate_series(1, 10000)`);
    expect(sqlOre(sum)).toBe(9_007_199_254_740_000);
  });

  it('a sum over numeric, with or without a scale, is read when whole and refused with a fraction', async () => {
    expect(sqlOre(await one(`SELECT sum(x) FROM (VALUES (1250000.00::numeric(14,2)), (750000.00)) v(x)`))).toBe(2_000_000);
    expect(sqlOre(await one(`SELECT sum(x) FROM (VALUES (12::numeric), (30)) v(x)`))).toBe(42);
    const half = await one(`SELECT sum(x) FROM (VALUES (12.25::numeric), (0.25)) v(x)`);
    expect(() => sqlOre(half, { what: 'the reported actuals' })).toThrow('the reported actuals is "12.50", not a whole number');
  });

  it('refuses a sum beyond the safe integer range, however the driver delivers it', async () => {
    const sum = await one(`SELECT sum(x) FROM (VALUES (9007199254740991::bigint), (1::bigint)) v(x)`);
    expect(() => sqlOre(sum)).toThrow(/9007199254740992, beyond the safe integer range/);
    const big = await one(`SELECT 9007199254740993::bigint`);
    expect(() => sqlOre(big)).toThrow(/9007199254740993, beyond the safe integer range/);
  });

  it('reads the NULL of a sum over no rows as 0 where asked, and refuses it otherwise', async () => {
    const empty = await one(`SELECT sum(x) FROM (VALUES (1::bigint)) v(x) WHERE false`);
    expect(empty).toBeNull();
    expect(sqlOre(empty, { nullAsZero: true })).toBe(0);
    expect(() => sqlOre(empty, { what: 'the paid sum' })).toThrow('the paid sum is NULL where a whole number was expected');
  });
}

describe('sums out of SQL: embedded PGlite', () => {
  sums(() => new DataSource({ type: 'postgres', driver: pgliteDriver('memory://'), installExtensions: false } as never).initialize());
});

describeWith('DATABASE_URL', 'sums out of SQL: PostgreSQL', () => {
  sums(() => new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, poolSize: 1 }).initialize());
});
