/**
 * Data at scale and load (issue 16). `npm run bench:scale -- --generate` makes a fresh database (hto_bench, on the server
 * of DATABASE_URL), starts the built server on it (PostgreSQL + REDIS_URL) and fills it: the audit trail's bulk (COPY
 * through pg-copy-streams, the secondary indexes dropped before and made again after) as a valid sealed chain; a small
 * part through the API (calls, 40 applications submitted and assessed, ten decisions proposed); the bulk in set-based
 * SQL shaped as the app writes it (bench/scale-bulk.ts). It prints the time per table, verifies the chain with the app's
 * own verifier and checks the invariants of test/support/invariants.ts. `--load` (after or without --generate) drives
 * the server with autocannon at 32 connections on loopback, reads and writes on prepared objects, and writes
 * bench/results.json. Options: --applications 6000 --grants 4000 --audit 2000000 --seconds 10 --connections 32 --writes N.
 */
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { canonicalJson } from '../src/audit/canonical-json';
import { DEFAULT_DEMO_PASSWORD } from '../src/identity/demo-seed';
import { callBody, completeDraft } from '../test/support/bodies';
import { adminQuery, withDatabase } from '../test/support/database';
import { invariantViolations } from '../test/support/invariants';
import { bulkData } from './scale-bulk';

const DB = 'hto_bench';
const PORT = 3917;
const BASE = `http://127.0.0.1:${PORT}`;
const AUDIT_KEY = 'bench-audit-key-that-is-long-enough-0123456789';
const CRITERIA = ['BEHOV_FORANKRING', 'BREDDE', 'STANDARDER', 'GJENNOMFORING', 'GEVINST', 'DELING'];

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

type Auth = Record<string, string>;

async function api(method: string, path: string, auth: Auth | undefined, body?: unknown, expect = [200, 201]): Promise<any> {
  const res = await fetch(BASE + path, {
    method,
    headers: { 'content-type': 'application/json', ...(auth ?? {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!expect.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

async function pool<T>(items: T[], concurrency: number, work: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < items.length; i = next++) await work(items[i], i);
    }),
  );
}

/**
 * Signs in with the demo password. The returned headers object is renewed in place before the access token expires
 * (ACCESS_TOKEN_TTL_SECONDS, 15 minutes by default, shorter than a full generation), so callers can keep it.
 */
async function login(email: string): Promise<Auth> {
  const auth: Auth = {};
  const renew = async () => {
    const r = await api('POST', '/api/v1/auth/login', undefined, { email, password: DEFAULT_DEMO_PASSWORD });
    auth.authorization = `Bearer ${r.accessToken}`;
  };
  await renew();
  const timer = setInterval(() => void renew().catch(() => undefined), 10 * 60_000);
  timer.unref();
  return auth;
}

function serverEnv(url: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: url,
    REDIS_URL: process.env.REDIS_URL,
    QUEUE_PREFIX: `hto-scale-${process.pid}`,
    JWT_SECRET: 'bench-secret-that-is-long-enough-0123456789',
    AUDIT_HMAC_KEY: AUDIT_KEY,
    SEED_DEMO: 'true',
    LOG_LEVEL: 'silent',
    PORT: String(PORT),
    DATA_DIR: '/tmp/hto-scale-data',
  };
}

/** Starts the built server (dist-bench/src/main.js) and waits until it is ready. */
async function startServer(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(__dirname, '..', 'src', 'main.js')], {
    env: serverEnv(url),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await fetch(`${BASE}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('server did not become ready');
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

const timings: Array<{ table: string; rows: number; seconds: number }> = [];
async function timed<T>(table: string, rows: number, work: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await work();
  const seconds = +((performance.now() - t0) / 1000).toFixed(1);
  timings.push({ table, rows, seconds });
  console.log(`  ${table}: ${rows} rows in ${seconds} s`);
  return out;
}

/* ------------------------------------------------------------------ generate */

async function generate(server: string) {
  const applications = arg('applications', 6000);
  const auditRows = arg('audit', 2_000_000);
  await adminQuery(server, `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await adminQuery(server, `CREATE DATABASE ${DB}`);
  const url = withDatabase(server, DB);
  const started = performance.now();
  const child = await timed('migrations, reference data and demo seed (server start)', 0, () => startServer(url));
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const officer = await login('officer@demo.local');
    const auditor = await login('auditor@demo.local');

    // the audit trail's bulk first, while nothing else writes: seal what the seed wrote, reserve a block of sequence
    // numbers, and COPY entries hashed, linked and MACed the way AuditSealer does, continuing from the head
    await api('GET', '/api/v1/audit/verify', auditor);
    await timed('audit_event (COPY, sealed chain)', auditRows, () => copyAudit(db, auditRows, url));

    // consortia of 2–26 municipalities, every member confirmed; an applicant of each lead signs in with the demo password
    const munis: Array<{ id: string; number: string }> = await db
      .query(
        `SELECT o.id, o.municipality_number AS number FROM organisation o WHERE o.municipality_number IS NOT NULL ORDER BY o.municipality_number`,
      )
      .then((r) => r.rows);
    const nConsortia = Math.max(20, Math.round(applications / 25));
    const consortia = await timed('consortium + consortium_member', nConsortia, () => makeConsortia(db, munis, nConsortia));
    // four more assessors beside the demo's two: six assessments per application
    const assessorIds = await timed('app_user (assessors)', 4, () => makeAssessors(db, 4));

    // ten calls (a year each) through the API; the first takes 500 applications (the ranking scenario)
    const calls = await timed('call (API: create, publish)', 10, async () => {
      const out: Array<{ id: string }> = [];
      for (let y = 0; y < 10; y++) {
        const c = await api(
          'POST',
          '/api/v1/calls',
          officer,
          callBody({
            title: { nb: `Utlysning ${2017 + y}`, nn: `Utlysing ${2017 + y}` },
            budgetOre: 1_000_000_000_000,
            rules: { ...callBody().rules, oneApplicationPerMunicipality: false },
          }),
        );
        await api('POST', `/api/v1/calls/${c.id}/publish`, officer, {});
        out.push(c);
      }
      return out;
    });
    // a small part through the API, to show the app's own path and the bulk side by side: drafts with budget,
    // indicator and contacts, submitted, formally checked and assessed by the demo's two assessors in the ranking call
    const viaApi = arg('api-applications', 40);
    const tokens = new Map<string, Auth>();
    for (const c of consortia.slice(0, viaApi)) if (!tokens.has(c.leadEmail)) tokens.set(c.leadEmail, await login(c.leadEmail));
    const ranked: Array<{ id: string }> = new Array(viaApi);
    await timed('application (API: draft, submit)', viaApi, () =>
      pool(
        Array.from({ length: viaApi }, (_, i) => i),
        8,
        async (i) => {
          const auth = tokens.get(consortia[i].leadEmail);
          const a = await api(
            'POST',
            '/api/v1/applications',
            auth,
            completeDraft(calls[0].id, consortia[i].id, 'INNFORING', { title: `${TOPICS[i % TOPICS.length]} (API) ${i}` }),
          );
          await api('POST', `/api/v1/applications/${a.id}/submit`, auth);
          ranked[i] = a;
        },
      ),
    );
    await timed('formal check (API)', ranked.length, () =>
      pool(ranked, 8, async (a) => {
        await api('POST', `/api/v1/applications/${a.id}/formal-check`, officer, { outcome: 'eligible' });
      }),
    );
    const assessors = [
      { id: await userId(db, 'assessor@demo.local'), auth: await login('assessor@demo.local') },
      { id: await userId(db, 'assessor2@demo.local'), auth: await login('assessor2@demo.local') },
    ];
    await timed('assessment_assignment + assessment_score (API, 2 × 6 per application)', ranked.length * 2, () =>
      pool(ranked, 8, async (a, i) => {
        for (const [k, as] of assessors.entries()) {
          const asg = await api('POST', `/api/v1/applications/${a.id}/assignments`, officer, { assessorId: as.id });
          await api('POST', `/api/v1/assignments/${asg.id}/declaration`, as.auth, { conflict: false });
          const scores = CRITERIA.map((criterion, c) => ({ criterion, score: 1 + ((i * 7 + c * 3 + k) % 5), rationale: 'Begrunnet' }));
          await api('PUT', `/api/v1/assignments/${asg.id}/scores`, as.auth, { scores });
          await api('POST', `/api/v1/assignments/${asg.id}/complete`, as.auth, { recommendation: 'FUND', comment: 'Godt begrunnet.' });
        }
      }),
    );

    // the bulk, in set-based SQL shaped as the app writes it (bench/scale-bulk.ts)
    const grants = arg('grants', 4000);
    const rest = applications - viaApi;
    const inAssessment = 500;
    await bulkData(
      db,
      {
        calls: calls.map((c) => c.id),
        officerId: await userId(db, 'officer@demo.local'),
        approverId: await userId(db, 'approver@demo.local'),
        assessorIds: [...assessors.map((a) => a.id), ...assessorIds],
        ranked: 500 - viaApi,
        granted: grants,
        inAssessment,
        drafts: rest - (500 - viaApi) - grants - inAssessment,
        reportsPerGrant: 10,
        indicatorsPerApplication: 10,
        payable: 600,
        attested: 600,
        proposed: Math.min(arg('decisions', 400), 500 - viaApi - 20),
      },
      timed,
    );

    // a few decisions drafted and proposed through the API beside the bulk's (the approve pool)
    const proposable: Array<{ id: string; requested: string }> = (
      await db.query(
        `SELECT a.id, a.requested_amount_ore::text AS requested FROM application a
          WHERE a.call_id = $1 AND a.status = 'ASSESSED' AND a.title NOT LIKE '%(API)%' AND NOT EXISTS (SELECT 1 FROM decision d WHERE d.application_id = a.id) ORDER BY a.case_number LIMIT $2`,
        [calls[0].id, 10],
      )
    ).rows;
    await timed('decision (API: draft, propose)', proposable.length, () =>
      pool(proposable, 8, async (a) => {
        const d = await api('POST', `/api/v1/applications/${a.id}/decisions`, officer, {
          outcome: 'GRANTED',
          amountOre: Number(a.requested),
          reasons: 'Søknaden er godt begrunnet og innenfor ordningens formål.',
          legalBasis: 'Forskrift om tilskudd til digital samhandling § 5',
          outOfRankJustification: 'Ytelsesmåling: vedtak fattes i vilkårlig rekkefølge.',
        });
        await api('POST', `/api/v1/decisions/${d.id}/propose`, officer, {});
      }),
    );
    const verify = await timed('audit verification (GET /audit/verify, the app’s verifier)', 0, () =>
      api('GET', '/api/v1/audit/verify', auditor),
    );
    console.log('  chain:', JSON.stringify(verify));
    const violations = await timed('invariants (test/support/invariants.ts)', 0, () =>
      invariantViolations(
        async (sql, params) => (await db.query(sql, params as unknown[])).rows,
        async () => verify,
      ),
    );
    console.log(`  invariant violations: ${violations.length}`, violations.slice(0, 10));
    const total = +((performance.now() - started) / 1000).toFixed(1);
    const counts = (
      await db.query(
        `SELECT 'application' AS t, count(*)::int AS n FROM application UNION ALL SELECT 'consortium_member', count(*) FROM consortium_member
         UNION ALL SELECT 'assessment_score', count(*) FROM assessment_score UNION ALL SELECT 'audit_event', count(*) FROM audit_event
         UNION ALL SELECT 'journal_entry', count(*) FROM journal_entry UNION ALL SELECT 'assessment_assignment', count(*) FROM assessment_assignment
         UNION ALL SELECT 'decision', count(*) FROM decision UNION ALL SELECT 'grant_award', count(*) FROM grant_award
         UNION ALL SELECT 'payment', count(*) FROM payment UNION ALL SELECT 'report', count(*) FROM report
         UNION ALL SELECT 'report_indicator_value', count(*) FROM report_indicator_value`,
      )
    ).rows;
    console.table(timings);
    console.log(`generated in ${total} s:`, Object.fromEntries(counts.map((r) => [r.t, r.n])));
    writeFileSync(
      join(root(), 'bench', 'generate.json'),
      JSON.stringify({ date: new Date().toISOString(), total, timings, counts, verify, violations }, null, 2),
    );
  } finally {
    await db.end();
    child.kill('SIGTERM');
  }
}

const TOPICS = [
  'Felles journalløsning',
  'Digital hjemmeoppfølging',
  'Velferdsteknologi i heimetenesta',
  'Responssenter',
  'Elektronisk medisineringsstøtte',
  'Helsestasjon på nett',
];

async function userId(db: Client, email: string): Promise<string> {
  return (await db.query(`SELECT id FROM app_user WHERE email = $1`, [email])).rows[0].id;
}

function root() {
  return join(__dirname, '..', '..');
}

async function makeConsortia(db: Client, munis: Array<{ id: string; number: string }>, n: number) {
  const [{ secret_hash }] = (
    await db.query(
      `SELECT c.secret_hash FROM user_credential c JOIN app_user u ON u.id = c.user_id WHERE u.email = 'applicant@demo.local' AND c.kind = 'password'`,
    )
  ).rows;
  const out: Array<{ id: string; leadEmail: string }> = [];
  await db.query('BEGIN');
  for (let i = 0; i < n; i++) {
    const size = 2 + (i % 25); // 2–26
    const start = (i * 37) % munis.length;
    const members = Array.from({ length: size }, (_, k) => munis[(start + k * 11) % munis.length]);
    const uniq = [...new Map(members.map((m) => [m.id, m])).values()];
    const lead = uniq[0];
    const email = `leder-${lead.number}@bench.local`;
    const { rows } = await db.query(
      `WITH u AS (INSERT INTO app_user (email, display_name, roles) VALUES ($1, $2, ARRAY['applicant']) ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email RETURNING id)
       SELECT id FROM u`,
      [email, `Prosjektleiar ${lead.number}`],
    );
    const uid = rows[0].id;
    await db.query(`INSERT INTO user_organisation (user_id, organisation_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [uid, lead.id]);
    await db.query(
      `INSERT INTO user_credential (user_id, kind, secret_hash) SELECT $1, 'password', $2 WHERE NOT EXISTS (SELECT 1 FROM user_credential WHERE user_id = $1 AND kind = 'password')`,
      [uid, secret_hash],
    );
    const c = await db.query(`INSERT INTO consortium (name, lead_organisation_id, created_by) VALUES ($1, $2, $3) RETURNING id`, [
      `Samarbeid ${i + 1}`,
      lead.id,
      uid,
    ]);
    await db.query(
      `INSERT INTO consortium_member (consortium_id, organisation_id, status, invited_by, consent_basis, confirmed_at, confirmed_by)
       SELECT $1, unnest($2::uuid[]), 'CONFIRMED', $3, 'APPLICANT', now(), $3`,
      [c.rows[0].id, uniq.map((m) => m.id), uid],
    );
    out.push({ id: c.rows[0].id, leadEmail: email });
  }
  await db.query('COMMIT');
  return out;
}

/** Assessors of the bench (role assessor, the demo password). */
async function makeAssessors(db: Client, n: number): Promise<string[]> {
  const { rows } = await db.query(
    `WITH u AS (INSERT INTO app_user (email, display_name, roles)
                SELECT 'fagekspert-' || i || '@bench.local', 'Fagekspert ' || i, ARRAY['assessor'] FROM generate_series(1, $1::int) i RETURNING id)
     INSERT INTO user_credential (user_id, kind, secret_hash)
     SELECT u.id, 'password', c.secret_hash FROM u, user_credential c JOIN app_user d ON d.id = c.user_id
      WHERE d.email = 'assessor@demo.local' AND c.kind = 'password' RETURNING user_id`,
    [n],
  );
  return rows.map((r) => r.user_id as string);
}

/**
 * The audit trail's bulk. The secondary indexes of audit_event (all but the primary key and the unique hash) are dropped
 * before the COPY and made again after it, two at a time: building an index over 2 M sorted rows once is far cheaper than
 * maintaining seven of them row by row (769 s before, with them in place).
 */
async function copyAudit(db: Client, n: number, url: string) {
  const indexes: Array<{ name: string; def: string }> = (
    await db.query(
      `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
        WHERE i.tablename = 'audit_event' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    )
  ).rows;
  for (const i of indexes) await db.query(`DROP INDEX ${i.name}`);
  await copyAuditRows(db, n);
  const t0 = performance.now();
  const helpers = await Promise.all(
    [0, 1].map(async () => {
      const c = new Client({ connectionString: url });
      await c.connect();
      await c.query(`SET maintenance_work_mem = '256MB'`);
      return c;
    }),
  );
  let next = 0;
  await Promise.all(
    helpers.map(async (c) => {
      for (let i = next++; i < indexes.length; i = next++) await c.query(indexes[i].def);
    }),
  );
  await Promise.all(helpers.map((c) => c.end()));
  console.log(
    `  audit_event indexes (${indexes.map((i) => i.name).join(', ')}) made again in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  await db.query('ANALYZE audit_event');
}

async function copyAuditRows(db: Client, n: number) {
  const head = (await db.query(`SELECT seq::text AS seq, hash FROM audit_event WHERE hash IS NOT NULL ORDER BY seq DESC LIMIT 1`)).rows[0];
  // reserve n sequence numbers after everything handed out so far
  const last = BigInt((await db.query(`SELECT nextval('audit_event_seq_seq')::text AS s`)).rows[0].s);
  await db.query(`SELECT setval('audit_event_seq_seq', $1)`, [String(last + BigInt(n))]);
  let prev: string = head.hash;
  const t0 = Date.UTC(2016, 0, 1);
  const step = Math.floor((Date.UTC(2026, 0, 1) - t0) / n);
  const actions = [
    'application.updated',
    'application.submitted',
    'assessment.scored',
    'decision.approved',
    'payment.attested',
    'report.submitted',
  ];
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  function* lines() {
    for (let i = 0; i < n; i++) {
      const seq = String(last + BigInt(i) + 1n);
      const row = {
        seq,
        occurredAt: new Date(t0 + i * step).toISOString(),
        actorUserId: null,
        actorTokenId: null,
        actorRoles: ['officer'],
        actorLabel: `saksbehandler${i % 40}@bench.local`,
        action: actions[i % actions.length],
        entityType: 'application',
        entityId: `bench-${i % 60000}`,
        diff: { status: { before: 'DRAFT', after: 'SUBMITTED' }, n: { before: null, after: i } },
        requestId: null,
        clientAddress: null,
      };
      const hash = createHash('sha256').update(prev).update(canonicalJson(row)).digest('hex');
      const mac = createHmac('sha256', AUDIT_KEY).update(hash).digest('hex');
      yield `${seq}\t${row.occurredAt}\t\\N\t\\N\t{officer}\t${row.actorLabel}\t${row.action}\t${row.entityType}\t${row.entityId}\t${esc(JSON.stringify(row.diff))}\t\\N\t\\N\t${prev}\t${hash}\t${mac}\n`;
      prev = hash;
    }
  }
  const chunked = Readable.from(
    (function* () {
      let buf: string[] = [];
      for (const l of lines()) {
        buf.push(l);
        if (buf.length === 5000) {
          yield buf.join('');
          buf = [];
        }
      }
      if (buf.length) yield buf.join('');
    })(),
  );
  await pipeline(
    chunked,
    db.query(
      copyFrom(
        `COPY audit_event (seq, occurred_at, actor_user_id, actor_token_id, actor_roles, actor_label, action, entity_type, entity_id, diff, request_id, client_address, prev_hash, hash, mac) FROM STDIN`,
      ),
    ),
  );
}

/* ------------------------------------------------------------------ load */

interface Scenario {
  name: string;
  kind: 'floor' | 'read' | 'write';
  method?: 'GET' | 'POST' | 'PUT';
  path: string;
  headers?: Auth;
  /** per request body/path (writes consume prepared objects); returns false when out of work */
  requests?: Array<{ method: string; path: string; headers?: Auth; body?: string }>;
  amount?: number;
}

async function load(server: string) {
  const url = withDatabase(server, DB);
  const seconds = arg('seconds', 10);
  const connections = arg('connections', 32);
  const child = await startServer(url);
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const officer = await login('officer@demo.local');
    const auditor = await login('auditor@demo.local');
    const q = async (sql: string, p: unknown[] = []) => (await db.query(sql, p)).rows;
    const [rankCall] = await q(
      `SELECT call_id AS id FROM application GROUP BY call_id ORDER BY count(*) FILTER (WHERE status = 'ASSESSED') DESC LIMIT 1`,
    );
    const someApps = await q(`SELECT id, case_number FROM application WHERE case_number IS NOT NULL ORDER BY id LIMIT 200`);
    const drafts = await q(
      `SELECT a.id, u.email FROM application a JOIN consortium c ON c.id = a.consortium_id JOIN user_organisation uo ON uo.organisation_id = c.lead_organisation_id
         JOIN app_user u ON u.id = uo.user_id AND u.email LIKE '%@bench.local' WHERE a.status = 'DRAFT'`,
    );
    const draftTokens = new Map<string, Auth>();
    for (const d of drafts) if (!draftTokens.has(d.email)) draftTokens.set(d.email, await login(d.email));
    const routes = new Set(Object.keys((await api('GET', '/api/docs-json', undefined)).paths));
    const has = (p: string) => routes.has(p);
    const hdr = (a: Auth) => ({ ...a, 'content-type': 'application/json' });
    const scenarios: Scenario[] = [
      { name: 'GET /health/live (framework floor)', kind: 'floor', path: '/health/live' },
      { name: 'GET /health/ready (database floor: SELECT 1 + Redis PING)', kind: 'floor', path: '/health/ready' },
      {
        name: 'GET /applications?status&q (filtered, text search, page of 50)',
        kind: 'read',
        path: '/api/v1/applications?status=SUBMITTED&q=journal&limit=50',
        headers: officer,
      },
      {
        name: 'GET /applications (first page of 50)',
        kind: 'read',
        path: '/api/v1/applications?limit=50',
        headers: officer,
      },
      {
        name: 'GET /applications/{id}',
        kind: 'read',
        path: '',
        requests: someApps.map((a) => ({ method: 'GET', path: `/api/v1/applications/${a.id}`, headers: officer })),
      },
      {
        name: 'GET /cases/{caseNumber}/journal',
        kind: 'read',
        path: '',
        requests: someApps.map((a) => ({
          method: 'GET',
          path: `/api/v1/cases/${encodeURIComponent(a.case_number)}/journal`,
          headers: officer,
        })),
      },
      { name: 'GET /calls/{id}/ranking (500 applications)', kind: 'read', path: `/api/v1/calls/${rankCall.id}/ranking`, headers: officer },
      {
        name: 'GET /audit?entityType&action (2 M entries)',
        kind: 'read',
        path: '/api/v1/audit?entityType=application&action=decision.approved&limit=50',
        headers: auditor,
      },
    ];
    if (has('/api/v1/calls/{id}/allocation-proposals'))
      scenarios.push({
        name: 'GET /calls/{id}/allocation-proposals',
        kind: 'read',
        path: `/api/v1/calls/${rankCall.id}/allocation-proposals`,
        headers: officer,
      });
    for (const p of ['/api/v1/insights/portfolio', '/api/v1/insights/reach', '/api/v1/insights/indicators', '/api/v1/public/journal'])
      if (has(p)) scenarios.push({ name: `GET ${p.replace('/api/v1', '')}`, kind: 'read', path: p, headers: officer });
      else console.log(`(skipped ${p}: not on this branch)`);
    scenarios.push({
      name: 'POST /applications/{id}/submit (write)',
      kind: 'write',
      path: '',
      amount: Math.min(drafts.length, arg('writes', 2000)),
      requests: drafts.slice(0, arg('writes', 2000)).map((d) => ({
        method: 'POST',
        path: `/api/v1/applications/${d.id}/submit`,
        headers: hdr(draftTokens.get(d.email)!),
        body: '{}',
      })),
    });
    // the other writes, each on objects the generator prepared, each object used once
    const approver = await login('approver@demo.local');
    const pending = await q(
      `SELECT s.id, u.email FROM assessment_assignment s JOIN app_user u ON u.id = s.assessor_user_id WHERE s.status = 'DECLARED'
        AND NOT EXISTS (SELECT 1 FROM assessment_score x WHERE x.assignment_id = s.id) ORDER BY s.id LIMIT $1`,
      [arg('writes', 2000)],
    );
    for (const a of pending) if (!draftTokens.has(a.email)) draftTokens.set(a.email, await login(a.email));
    const scores = JSON.stringify({
      scores: CRITERIA.map((criterion, c) => ({ criterion, score: 1 + (c % 5), rationale: 'Begrunnet ut fra søknaden.' })),
    });
    const proposed = await q(`SELECT id FROM decision WHERE status = 'PROPOSED' ORDER BY id`);
    const payable = await q(`SELECT id FROM payment WHERE status = 'PAYABLE' ORDER BY id`);
    const attested = await q(`SELECT id FROM payment WHERE status = 'ATTESTED' ORDER BY id`);
    const writes: Array<[string, Array<{ path: string; auth: Auth; method?: string; body?: string }>]> = [
      [
        'PUT /assignments/{id}/scores (write)',
        pending.map((a) => ({ method: 'PUT', path: `/api/v1/assignments/${a.id}/scores`, auth: draftTokens.get(a.email)!, body: scores })),
      ],
      [
        'POST /decisions/{id}/approve (write: grant, letter)',
        proposed.map((d) => ({ path: `/api/v1/decisions/${d.id}/approve`, auth: approver })),
      ],
      ['POST /payments/{id}/attest (write)', payable.map((x) => ({ path: `/api/v1/payments/${x.id}/attest`, auth: officer }))],
      ['POST /payments/{id}/approve (write)', attested.map((x) => ({ path: `/api/v1/payments/${x.id}/approve`, auth: approver }))],
    ];
    for (const [name, all] of writes) {
      const list = all.slice(0, arg('writes', 2000));
      scenarios.push({
        name,
        kind: 'write',
        path: '',
        amount: list.length,
        requests: list.map((w) => ({ method: w.method ?? 'POST', path: w.path, headers: hdr(w.auth), body: w.body ?? '{}' })),
      });
    }
    const rows: Array<Record<string, unknown>> = [];
    // --writes-only: the floors and the writes (a quick run over what the generator left)
    for (const s of flag('writes-only') ? scenarios.filter((x) => x.kind !== 'read') : scenarios) {
      if (s.amount === 0) {
        console.log(`(skipped ${s.name}: nothing left to write; generate again)`);
        continue;
      }
      // a scenario starts only when the server's queries of the one before have finished (requests autocannon gave
      // up on keep running in the server and would hold its connection pool), for at most two minutes
      for (let w = 0; w < 240; w++) {
        const [{ n }] = await q(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state <> 'idle' AND pid <> pg_backend_pid()`,
        );
        if (n === 0) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      const latencies: number[] = [];
      let i = 0;
      const list = s.requests;
      const t0 = performance.now();
      const inst = autocannon({
        url: BASE + (s.path || '/'),
        connections: s.amount ? Math.min(connections, s.amount) : connections,
        ...(s.amount ? { amount: s.amount, timeout: 120 } : { duration: seconds }),
        headers: s.headers,
        requests: list ? [{ setupRequest: (req: object) => ({ ...req, ...list[s.amount ? i++ : i++ % list.length] }) }] : undefined,
      });
      const statuses: Record<number, number> = {};
      inst.on('response', (_c: unknown, status: number, _bytes: number, ms: number) => {
        latencies.push(ms);
        statuses[status] = (statuses[status] ?? 0) + 1;
      });
      const r = await inst;
      const secs = (performance.now() - t0) / 1000;
      latencies.sort((x, y) => x - y);
      const pct = (p: number) => +(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN).toFixed(1);
      const errors = r.non2xx + r.errors + r.timeouts;
      const row = {
        scenario: s.name,
        kind: s.kind,
        requests: latencies.length,
        rps: Math.round(latencies.length / Math.min(secs, s.amount ? secs : seconds)),
        p50: pct(50),
        p95: pct(95),
        p99: pct(99),
        errors,
        statuses,
      };
      rows.push(row);
      console.log(
        `  ${s.name}: ${row.rps} req/s, p50 ${row.p50} ms, p95 ${row.p95} ms, p99 ${row.p99} ms, errors ${errors} ${JSON.stringify(statuses)}`,
      );
    }
    const live = rows[0].rps as number;
    const ready = rows[1].rps as number;
    for (const r of rows) {
      r.vsFramework = +((r.rps as number) / live).toFixed(2);
      r.vsDatabase = +((r.rps as number) / ready).toFixed(2);
    }
    const t0 = performance.now();
    const verify = await api('GET', '/api/v1/audit/verify', auditor);
    const verifySeconds = +((performance.now() - t0) / 1000).toFixed(1);
    const violations = await invariantViolations(
      async (sql, params) => (await db.query(sql, params as unknown[])).rows,
      async () => verify,
    );
    console.log(`invariant violations after the writes: ${violations.length}`, violations.slice(0, 10));
    const peak = peakRssMb(child.pid!);
    console.table(rows);
    console.log(
      `audit verification: ${verify.count} entries in ${verifySeconds} s (${JSON.stringify({ ok: verify.ok, unsealed: verify.unsealed })}); server peak RSS ${peak} MB`,
    );
    const result = {
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        memoryGb: Math.round(totalmem() / 2 ** 30),
        note: 'shared with other work (parallel test runs) while measured',
      },
      connections,
      secondsPerScenario: seconds,
      rows,
      auditVerify: { entries: verify.count, seconds: verifySeconds, ok: verify.ok },
      invariantViolations: violations,
      peakRssMb: peak,
    };
    writeFileSync(join(root(), 'bench', 'results.json'), JSON.stringify(result, null, 2) + '\n');
  } finally {
    await db.end();
    child.kill('SIGTERM');
  }
}

async function main() {
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error('DATABASE_URL (a PostgreSQL server) is required; REDIS_URL too for the production setup');
  if (flag('generate')) await generate(server);
  if (flag('load')) await load(server);
  if (!flag('generate') && !flag('load')) console.log('nothing to do: --generate and/or --load');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
