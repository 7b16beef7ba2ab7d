/**
 * Benchmark harness: boots the real app (PostgreSQL + Redis when DATABASE_URL/REDIS_URL are set, else the
 * embedded default) on a loopback port and drives it over HTTP with bounded concurrency. Reports numbers;
 * asserts nothing. Usage: npm run bench [-- --requests 2000 --concurrency 20]
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { configureApp } from '../src/bootstrap';
import { AppConfig } from '../src/config/app-config';
import { callBody, completeDraft } from '../test/support/bodies';
import { adminQuery, uniqueName, withDatabase } from '../test/support/database';

interface Scenario {
  name: string;
  /** Returns the request to make for iteration i. */
  request: (i: number) => { method: string; path: string; token?: string; body?: unknown };
  expect: number;
}

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

async function drive(base: string, s: Scenario, total: number, concurrency: number) {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) {
        const r = s.request(i);
        const t0 = performance.now();
        const res = await fetch(base + r.path, {
          method: r.method,
          headers: { 'content-type': 'application/json', ...(r.token ? { authorization: `Bearer ${r.token}` } : {}) },
          body: r.body === undefined ? undefined : JSON.stringify(r.body),
        });
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (res.status !== s.expect) errors++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1);
  return {
    scenario: s.name,
    requests: total,
    concurrency,
    rps: Math.round(total / seconds),
    p50ms: pct(50),
    p95ms: pct(95),
    p99ms: pct(99),
    errors,
  };
}

/** Untimed setup: sends `bodies` with bounded concurrency and returns the response bodies (all must succeed). */
async function prepare(base: string, token: string, path: string, bodies: unknown[], concurrency: number): Promise<Array<{ id: string }>> {
  const out: Array<{ id: string }> = new Array(bodies.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < bodies.length; i = next++) {
        const res = await fetch(base + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(bodies[i]),
        });
        if (res.status >= 300) throw new Error(`setup ${path}: ${res.status} ${await res.text()}`);
        out[i] = (await res.json()) as { id: string };
      }
    }),
  );
  return out;
}

/** Undone when the run fails part-way (the fresh database), so a failed run leaves nothing behind. */
const onFailure: Array<() => Promise<void>> = [];

async function main() {
  const requests = arg('requests', 1000);
  const concurrency = arg('concurrency', 16);
  const dataDir = mkdtempSync(join(tmpdir(), 'hto-bench-'));
  // a fresh database per run, so one run's rows do not slow the next one's lists
  const bench = process.env.DATABASE_URL ? await freshDatabase(process.env.DATABASE_URL) : undefined;
  if (bench) onFailure.push(bench.drop);
  const config = new AppConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    PGLITE_DIR: process.env.DATABASE_URL ? undefined : 'memory://',
    DATABASE_URL: bench?.url,
    REDIS_URL: process.env.REDIS_URL,
    QUEUE_PREFIX: `hto-bench-${process.pid}`,
    JWT_SECRET: 'bench-secret-that-is-long-enough-0123456789',
    SEED_DEMO: 'true',
    LOG_LEVEL: 'silent',
    PORT: '0',
  });
  const app = await NestFactory.create(AppModule.forRoot(config), { logger: false });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const ds = app.get(DataSource);
  const jwt = app.get(JwtService);
  const users: Array<{ id: string; email: string }> = await ds.query(`SELECT id, email FROM app_user WHERE email LIKE '%@demo.local'`);
  const token = async (email: string) => {
    const sub = users.find((u) => u.email === email)!.id;
    const [s] = await ds.query(
      `INSERT INTO auth_session (user_id, method, expires_at) VALUES ($1, 'password', now() + interval '1 day') RETURNING id`,
      [sub],
    );
    return jwt.sign({ sub, typ: 'access', sid: s.id });
  };
  const officer = await token('officer@demo.local');
  const applicant = await token('applicant@demo.local');
  const vestland: string[] = (
    await ds.query(`SELECT number FROM municipality WHERE county = 'Vestland' AND number <> '4601' ORDER BY number`)
  ).map((r: { number: string }) => r.number);

  // submissions: one call in which a consortium may apply many times, and a complete draft per submit request
  const [call] = await prepare(
    base,
    officer,
    '/api/v1/calls',
    [callBody({ rules: { ...callBody().rules, oneApplicationPerMunicipality: false } })],
    1,
  );
  await prepare(base, officer, `/api/v1/calls/${call.id}/publish`, [{}], 1);
  const [consortium] = await prepare(
    base,
    applicant,
    '/api/v1/consortia',
    [{ name: 'Bench-samarbeidet', leadMunicipality: '4601', members: ['4601', vestland[0]] }],
    1,
  );
  // the invited member consents (an applicant of its own confirms), or no application of the consortium is submittable
  const [member] = await ds.query(
    `INSERT INTO app_user (email, display_name, roles) VALUES ('bench-member@demo.local', 'Bench-medlem', ARRAY['applicant']) RETURNING id, email`,
  );
  await ds.query(
    `INSERT INTO user_organisation (user_id, organisation_id) SELECT $1, id FROM organisation WHERE municipality_number = $2`,
    [member.id, vestland[0]],
  );
  users.push(member);
  const [memberOrg] = await ds.query(`SELECT id FROM organisation WHERE municipality_number = $1`, [vestland[0]]);
  await prepare(base, await token(member.email), `/api/v1/consortia/${consortium.id}/members/${memberOrg.id}/confirm`, [{}], 1);
  const drafts = await prepare(
    base,
    applicant,
    '/api/v1/applications',
    Array.from({ length: requests }, (_, i) => completeDraft(call.id, consortium.id, 'INNFORING', { title: `Journalløft ${i}` })),
    concurrency,
  );

  const scenarios: Scenario[] = [
    {
      name: 'GET /municipalities?helseregion (public, 65 rows)',
      expect: 200,
      request: () => ({ method: 'GET', path: '/api/v1/municipalities?helseregion=Helse%20Midt-Norge&limit=100' }),
    },
    { name: 'GET /municipalities/{n}', expect: 200, request: () => ({ method: 'GET', path: '/api/v1/municipalities/4601' }) },
    {
      name: 'POST /consortia (applicant, audited write)',
      expect: 201,
      request: (i) => ({
        method: 'POST',
        path: '/api/v1/consortia',
        token: applicant,
        body: { name: `Bench ${i}`, leadMunicipality: '4601', members: ['4601', vestland[i % vestland.length]] },
      }),
    },
    {
      name: 'GET /consortia (officer, first page of 50)',
      expect: 200,
      request: () => ({ method: 'GET', path: '/api/v1/consortia', token: officer }),
    },
    {
      name: 'POST /applications/{id}/submit (rules, case number, frozen version, journal, receipt)',
      expect: 200,
      request: (i) => ({ method: 'POST', path: `/api/v1/applications/${drafts[i].id}/submit`, token: applicant }),
    },
    {
      name: 'GET /applications?q= (officer, text search, page of 50)',
      expect: 200,
      request: () => ({ method: 'GET', path: '/api/v1/applications?q=journal&limit=50', token: officer }),
    },
  ];
  const mode = `${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite (embedded)'}, ${process.env.REDIS_URL ? 'Bull/Redis' : 'inline queue'}`;
  console.log(`benchmark: ${mode}; ${requests} requests per scenario, concurrency ${concurrency}`);
  const rows = [];
  for (const s of scenarios) rows.push(await drive(base, s, requests, concurrency));
  console.table(rows);
  await app.close();
  await bench?.drop();
  rmSync(dataDir, { recursive: true, force: true });
}

async function freshDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = uniqueName('hto_bench');
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  return { url: withDatabase(serverUrl, name), drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

main().catch(async (e) => {
  console.error(e);
  for (const undo of onFailure) await undo().catch(() => undefined);
  process.exit(1);
});
