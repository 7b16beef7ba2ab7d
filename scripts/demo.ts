/**
 * `npm run demo`: a whole scheme year, driven through the public HTTP API of a running server as real clients would
 * (API_URL, default http://localhost:3000). A dozen consortia of real municipalities apply; the officer checks them,
 * three assessors declare and score, the allocation is drafted as decisions that an approver approves (four eyes), the
 * letters go out, the leads accept, tranches are attested, approved and paid, progress and final reports come in with
 * indicator values, one rejected party appeals and one grant is reclaimed. It ends with a summary (and the insights
 * portfolio when the server has it) and writes the exports it can fetch to a folder it names.
 *
 * Every run makes its own two calls (modelled on the seeded demo calls, titled with a run suffix), so a second run on
 * the same server never meets the first run's "one application per municipality per call". The whole run has a
 * deadline (DEMO_TIMEOUT_SECONDS, default 600) and every request its own timeout, so it can never hang.
 *
 * Environment: API_URL, DEMO_PASSWORD (the demo users' password, default the server's default), DEMO_OUT (the output
 * folder; default ./demo-output/<run>), DEMO_TIMEOUT_SECONDS.
 */
import { Presets, SingleBar } from 'cli-progress';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const API = (process.env.API_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
const PASSWORD = process.env.DEMO_PASSWORD ?? 'demo-passord-2024';
const RUN = `${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
const OUT = resolve(process.env.DEMO_OUT ?? join('demo-output', RUN));
const DEADLINE = Date.now() + Number(process.env.DEMO_TIMEOUT_SECONDS ?? 600) * 1000;
const REQUEST_TIMEOUT_MS = 30_000;
const KR = 100;

// ---------------------------------------------------------------- HTTP

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${typeof body === 'string' ? body.slice(0, 500) : JSON.stringify(body).slice(0, 1000)}`);
  }
}

let bar: SingleBar | undefined;
let requests = 0;
let phase = 'start';

interface Call {
  method?: string;
  token?: string;
  body?: unknown;
  /** statuses that are not an error (default: any 2xx) */
  ok?: number[];
  binary?: boolean;
}

async function http<T = any>(path: string, c: Call = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const left = DEADLINE - Date.now();
  if (left <= 0) throw new Error(`the demo ran past its deadline (DEMO_TIMEOUT_SECONDS) during "${phase}"`);
  const res = await fetch(`${API}${path}`, {
    method: c.method ?? (c.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(c.token ? { Authorization: `Bearer ${c.token}` } : {}),
      ...(c.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    body: c.body === undefined ? undefined : JSON.stringify(c.body),
    signal: AbortSignal.timeout(Math.min(REQUEST_TIMEOUT_MS, left)),
  });
  requests++;
  bar?.increment(1, { phase });
  const type = res.headers.get('content-type') ?? '';
  const body = c.binary ? Buffer.from(await res.arrayBuffer()) : type.includes('json') ? await res.json() : await res.text();
  const fine = c.ok ? c.ok.includes(res.status) : res.status >= 200 && res.status < 300;
  if (!fine) throw new ApiError(res.status, c.binary ? '(binary)' : body, `${c.method ?? (c.body === undefined ? 'GET' : 'POST')} ${path}`);
  return { status: res.status, body: body as T, headers: res.headers };
}

const get = async <T = any>(path: string, token?: string) => (await http<T>(path, { token })).body;
const post = async <T = any>(path: string, token: string, body: unknown = {}) => (await http<T>(path, { token, body })).body;
const put = async <T = any>(path: string, token: string, body: unknown) => (await http<T>(path, { method: 'PUT', token, body })).body;

/** Every item of a paged list. */
async function all<T = any>(path: string, token?: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: { items: T[]; nextCursor: string | null } = await get(
      `${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      token,
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** Runs `fn` over the items, `n` at a time (clients work side by side); the first failure fails the whole. */
async function each<T>(items: T[], fn: (item: T) => Promise<void>, n = 4): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

async function login(email: string, password = PASSWORD): Promise<string> {
  const res = await http<{ accessToken: string }>('/api/v1/auth/login', { body: { email, password } });
  return res.body.accessToken;
}

// ---------------------------------------------------------------- data

interface Municipality {
  number: string;
  name: string;
  county: string;
  healthRegion: string;
  population: number;
  writtenLanguage: string;
}

/** A seeded random (mulberry32): a run's choices can be told apart from the next run's, and repeated with DEMO_SEED. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = random(Number(process.env.DEMO_SEED ?? parseInt(RUN.slice(-6), 16)));
const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
const shuffle = <T>(xs: T[]): T[] =>
  xs
    .map((x) => [rnd(), x] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([, x]) => x);

/** A number with its MOD11 check digit (weights from the right 2, 3, 4 … 7, 2 …); '' when the digit would be 10. */
function withCheckDigit(body: string): string {
  const weights = [2, 3, 4, 5, 6, 7];
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += Number(body[body.length - 1 - i]) * weights[i % 6];
  const check = (11 - (sum % 11)) % 11;
  return check === 10 ? '' : body + check;
}
function mod11(prefix: string, length: number): string {
  for (;;) {
    let body = prefix;
    while (body.length < length - 1) body += Math.floor(rnd() * 10);
    const n = withCheckDigit(body);
    if (n) return n;
  }
}

const osloDay = (d = new Date()) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo' }).format(d);
const kr = (ore: number) => `${new Intl.NumberFormat('nb-NO', { maximumFractionDigits: 0 }).format(ore / KR)} kr`;

interface Applicant {
  email: string;
  token: string;
}

interface Consortium {
  name: string;
  call: { id: string; measureCode: string; title: string };
  lead: Municipality;
  members: Municipality[];
  requestedOre: number;
  totalOre: number;
  leadApplicant?: Applicant;
  consortiumId?: string;
  applicationId?: string;
  caseNumber?: string;
  quality: number;
  decisionId?: string;
  outcome?: string;
  amountOre?: number;
  grantId?: string;
  paidOre: number;
  reports: string[];
}

// ---------------------------------------------------------------- the year

async function main(): Promise<void> {
  console.log(`Demo run ${RUN} against ${API}; output in ${OUT}`);
  const ready = await http('/health/ready', { ok: [200, 503] }).catch((e) => {
    throw new Error(`no server at ${API} (${e.message}); start one with \`npm start\` or set API_URL`);
  });
  if (ready.status !== 200) throw new Error(`the server at ${API} is not ready: ${JSON.stringify(ready.body)}`);
  mkdirSync(OUT, { recursive: true });

  bar = new SingleBar(
    { format: ' {bar} {percentage}% | {value}/{total} requests | {phase}', noTTYOutput: true, notTTYSchedule: 5000, etaBuffer: 50 },
    Presets.shades_classic,
  );
  bar.start(900, 0, { phase });

  phase = 'sign in';
  const staff = {
    admin: await login('admin@demo.local'),
    officer: await login('officer@demo.local'),
    approver: await login('approver@demo.local'),
    evaluator: await login('evaluator@demo.local'),
  };
  const assessors = [
    await login('assessor@demo.local'),
    await login('assessor2@demo.local'),
    await ensureUser(staff.admin, 'assessor3@demo.local', 'Frode Fagkyndig', ['assessor']),
  ];
  const assessorIds: string[] = [];
  for (const token of assessors) assessorIds.push((await get<{ user: { id: string } }>('/api/v1/me', token)).user.id);

  phase = 'reference data';
  const municipalities = await all<Municipality>('/api/v1/municipalities');
  const organisations = await all<{ id: string; municipalityNumber: string | null }>('/api/v1/organisations?kind=MUNICIPALITY');
  const orgOf = new Map(organisations.filter((o) => o.municipalityNumber).map((o) => [o.municipalityNumber!, o.id]));

  phase = 'calls';
  const calls = await makeCalls(staff.officer);
  const consortia = planConsortia(municipalities, calls);
  bar.setTotal(consortia.length * 75 + 100);

  phase = 'consortia and applications';
  const applicants = new Map<string, Applicant>();
  const applicantOf = async (m: Municipality) => {
    let a = applicants.get(m.number);
    if (!a) {
      const email = `soker-${m.number}@demo.local`;
      a = { email, token: await ensureUser(staff.admin, email, `Søker ${m.name}`, ['applicant'], [orgOf.get(m.number)!]) };
      applicants.set(m.number, a);
    }
    return a;
  };
  await each(consortia, async (c) => {
    c.leadApplicant = await applicantOf(c.lead);
    const made = await post('/api/v1/consortia', c.leadApplicant.token, {
      name: c.name,
      leadMunicipality: c.lead.number,
      members: c.members.map((m) => m.number),
    });
    c.consortiumId = made.id;
    for (const m of made.members as Array<{ organisationId: string; municipalityNumber: string; status: string }>) {
      if (m.status === 'CONFIRMED') continue;
      const member = municipalities.find((x) => x.number === m.municipalityNumber)!;
      await post(`/api/v1/consortia/${c.consortiumId}/members/${m.organisationId}/confirm`, (await applicantOf(member)).token);
    }
    const draft = await post('/api/v1/applications', c.leadApplicant.token, applicationBody(c));
    c.applicationId = draft.id;
    const submitted = await post(`/api/v1/applications/${draft.id}/submit`, c.leadApplicant.token);
    c.caseNumber = submitted.caseNumber;
  });

  phase = 'formal check';
  await each(consortia, async (c) => {
    await post(`/api/v1/applications/${c.applicationId}/formal-check`, staff.officer, { outcome: 'eligible' });
  });

  phase = 'assessment';
  const criteriaOf = new Map<string, Array<{ code: string }>>();
  for (const call of calls) criteriaOf.set(call.id, (await get(`/api/v1/calls/${call.id}`, staff.officer)).rules.criteria);
  await each(consortia, async (c) => {
    for (const [i, token] of assessors.entries()) {
      const a = await post(`/api/v1/applications/${c.applicationId}/assignments`, staff.officer, { assessorId: assessorIds[i] });
      await post(`/api/v1/assignments/${a.id}/declaration`, token, { conflict: false });
      const scores = criteriaOf.get(c.call.id)!.map((k) => ({
        criterion: k.code,
        score: Math.max(1, Math.min(7, Math.round(c.quality + (rnd() - 0.5) * 1.2))),
        rationale: c.quality >= 4 ? 'Godt begrunnet i søknaden.' : 'Svakt begrunnet; planen mangler forankring.',
      }));
      await put(`/api/v1/assignments/${a.id}/scores`, token, { scores });
      await post(`/api/v1/assignments/${a.id}/complete`, token, {
        recommendation: c.quality >= 4 ? 'FUND' : 'DO_NOT_FUND',
        comment: c.quality >= 4 ? 'Anbefales.' : 'Anbefales ikke.',
      });
    }
  });

  phase = 'allocation and decisions';
  for (const call of calls) {
    const proposal = await post(`/api/v1/calls/${call.id}/allocation-proposals`, staff.officer);
    const drafted = await post(`/api/v1/allocation-proposals/${proposal.id}/decisions`, staff.officer);
    for (const r of drafted.results as Array<{ applicationId: string; decisionId?: string; outcome: string }>) {
      const c = consortia.find((x) => x.applicationId === r.applicationId);
      if (c && r.decisionId) c.decisionId = r.decisionId;
    }
  }
  await each(consortia, async (c) => {
    if (!c.decisionId) throw new Error(`no decision was drafted for ${c.caseNumber}`);
    await post(`/api/v1/decisions/${c.decisionId}/propose`, staff.officer);
    const approved = await post(`/api/v1/decisions/${c.decisionId}/approve`, staff.approver, { comment: 'Godkjent.' });
    c.outcome = approved.outcome;
    c.amountOre = approved.amountOre;
    c.grantId = approved.grantId ?? undefined;
  });

  phase = 'letters';
  const letters = join(OUT, 'letters');
  mkdirSync(letters, { recursive: true });
  await each(consortia, async (c) => {
    const pdf = await http<Buffer>(`/api/v1/decisions/${c.decisionId}/letter`, { token: c.leadApplicant!.token, binary: true });
    writeFileSync(join(letters, `vedtak-${c.caseNumber!.replace('/', '-')}.pdf`), pdf.body);
  });

  phase = 'acceptances';
  const granted = consortia.filter((c) => c.grantId);
  await each(granted, async (c) => {
    await post(`/api/v1/grants/${c.grantId}/accept`, c.leadApplicant!.token, {
      name: `Kommunedirektør i ${c.lead.name}`,
      title: 'kommunedirektør',
      payee: { organisationNumber: mod11('9', 9), account: mod11('1503', 11) },
    });
  });

  phase = 'payments on acceptance';
  await payPayable(staff, granted, calls);

  phase = 'progress reports';
  await each(granted, async (c) => {
    const g = await get(`/api/v1/grants/${c.grantId}`, staff.officer);
    const progress = (g.reports as Array<{ id: string; kind: string }>).find((r) => r.kind === 'PROGRESS');
    if (progress) await report(c, progress.id, staff.officer, false);
  });
  phase = 'payments on progress';
  await payPayable(staff, granted, calls);

  phase = 'final reports';
  // a year in, the smaller projects are done
  await each([...granted].sort((a, b) => a.requestedOre - b.requestedOre).slice(0, 3), async (c) => {
    const g = await get(`/api/v1/grants/${c.grantId}`, staff.officer);
    const final = (g.reports as Array<{ id: string; kind: string }>).find((r) => r.kind === 'FINAL');
    if (final) await report(c, final.id, staff.officer, true);
  });
  phase = 'payments on final reports';
  await payPayable(staff, granted, calls);

  phase = 'appeal';
  const appellant =
    consortia.find((c) => c.outcome === 'REJECTED') ?? consortia.find((c) => c.outcome === 'PARTLY_GRANTED') ?? consortia[0];
  const appeal = await post(`/api/v1/decisions/${appellant.decisionId}/appeals`, appellant.leadApplicant!.token, {
    grounds: 'Vi mener søknaden er vurdert for strengt på forankring: alle kommunestyrene har vedtatt deltakelse. Vi ber om ny vurdering.',
  });
  await post(`/api/v1/appeals/${appeal.id}/forward`, staff.officer, {
    recommendation: 'Direktoratet har vurdert klagen og finner ikke grunn til å endre vedtaket. Klagen oversendes departementet.',
  });

  phase = 'reclaim';
  const reclaimed = granted.filter((c) => c.paidOre > 0).sort((a, b) => b.paidOre - a.paidOre)[0];
  let reclaim: { id: string; amountOre: number } | undefined;
  if (reclaimed) {
    reclaim = await post(`/api/v1/grants/${reclaimed.grantId}/reclaims`, staff.officer, {
      amountOre: Math.floor(reclaimed.paidOre / 10 / KR) * KR,
      kind: 'CONDITIONS_BROKEN',
      reasons: 'Deler av tilskuddet er brukt til ordinær drift, som ikke er tilskuddsberettiget (vilkår 3 i tilsagnsbrevet).',
      dueOn: osloDay(new Date(Date.now() + 45 * 86400_000)),
    });
  }

  phase = 'exports';
  const written = await writeExports(staff);
  bar.setTotal(requests);
  bar.stop();
  bar = undefined;

  summary(consortia, appellant, reclaimed, reclaim, written);
  await insightsSummary(staff.evaluator);
}

/** Signs the user in, creating it first (as the admin) when it does not exist yet; later runs reuse it. */
async function ensureUser(admin: string, email: string, displayName: string, roles: string[], organisationIds?: string[]): Promise<string> {
  const made = await http('/api/v1/users', {
    token: admin,
    body: { email, displayName, roles, organisationIds, password: PASSWORD },
    ok: [201, 409],
  });
  if (made.status === 409) {
    // made by an earlier run (with the same password)
  }
  return login(email);
}

/** This run's two calls, modelled on the seeded demo calls (their rules and budgets), titled with the run. */
async function makeCalls(officer: string): Promise<Array<{ id: string; measureCode: string; title: string }>> {
  const published = await all<{ id: string; measureCode: string; status: string; title: { nb: string } }>('/api/v1/calls', officer);
  const out = [];
  for (const measureCode of ['SAMORDNET_ANSKAFFELSE', 'INNFORING']) {
    const model = published.find(
      (c) => c.measureCode === measureCode && /journalløsninger/.test(c.title.nb) && !c.title.nb.startsWith('Demo '),
    );
    if (!model) throw new Error(`no demo call for ${measureCode}: start the server with the demo seed (SEED_DEMO, on by default embedded)`);
    const full = await get(`/api/v1/calls/${model.id}`, officer);
    const made = await post('/api/v1/calls', officer, {
      measureCode,
      title: { nb: `Demo ${RUN}: ${full.title.nb}`, nn: `Demo ${RUN}: ${full.title.nn}` },
      text: full.text,
      budgetOre: measureCode === 'INNFORING' ? 2_500_000_000 : 6_000_000_000,
      opensAt: new Date(Date.now() - 60 * 86400_000).toISOString(),
      closesAt: new Date(Date.now() + 120 * 86400_000).toISOString(),
      rules: full.rules,
    });
    await post(`/api/v1/calls/${made.id}/publish`, officer);
    out.push({ id: made.id as string, measureCode, title: made.title.nb as string });
  }
  return out;
}

/**
 * Twelve consortia, six per call: each a lead and one to four neighbours in its county, four of the leads writing
 * nynorsk; the amount requested grows with the lead's population. Helse Midt-Norge stays out of coordinated
 * procurement (Helseplattformen), as the call's rules say; no municipality is in two applications of one call.
 */
function planConsortia(all: Municipality[], calls: Array<{ id: string; measureCode: string; title: string }>): Consortium[] {
  const out: Consortium[] = [];
  for (const [ci, call] of calls.entries()) {
    const used = new Set<string>();
    const eligible = all.filter((m) => call.measureCode !== 'SAMORDNET_ANSKAFFELSE' || m.healthRegion !== 'Helse Midt-Norge');
    for (let i = 0; i < 6; i++) {
      const nynorsk = i < 2;
      const leads = eligible.filter(
        (m) =>
          !used.has(m.number) &&
          (nynorsk ? m.writtenLanguage === 'Nynorsk' : m.writtenLanguage !== 'Nynorsk') &&
          m.population > 3000 &&
          // a county of its own (Oslo) has no neighbour to join
          eligible.some((n) => n.county === m.county && n.number !== m.number && !used.has(n.number)),
      );
      const lead = pick(leads);
      const neighbours = shuffle(eligible.filter((m) => m.county === lead.county && m.number !== lead.number && !used.has(m.number)));
      const members = [lead, ...neighbours.slice(0, 1 + Math.floor(rnd() * 4))];
      for (const m of members) used.add(m.number);
      // 1 MNOK plus 60 kr per inhabitant of the lead, at most 9 MNOK; the request is 40 % of the project's budget
      const requestedOre = Math.min(9_000_000, Math.round(1_000_000 + 60 * lead.population)) * KR;
      const totalOre = Math.ceil((requestedOre * 5) / 2 / KR) * KR;
      out.push({
        name: `Journalsamarbeidet ${lead.name} og omland (${RUN}${ci ? '-i' : '-s'})`,
        call,
        lead,
        members,
        requestedOre,
        totalOre,
        // most are good; one per call is weak and falls below the minimum score
        quality: i === 5 ? 3 : 4.5 + rnd() * 2,
        paidOre: 0,
        reports: [],
      });
    }
  }
  return out;
}

const NEXT = new Date().getFullYear() + 1;

function applicationBody(c: Consortium) {
  const eligible: Record<string, [string, string]> = {
    SAMORDNET_ANSKAFFELSE: ['BEHOVSBESKRIVELSE', 'KONKURRANSE'],
    INNFORING: ['PROSESSENDRING', 'SAMHANDLINGSFUNKSJONALITET'],
  };
  const [first, second] = eligible[c.call.measureCode];
  const firstOre = Math.round((c.totalOre * 0.6) / KR) * KR;
  const names = c.members.map((m) => m.name).join(', ');
  return {
    callId: c.call.id,
    consortiumId: c.consortiumId,
    title: `${c.call.measureCode === 'INNFORING' ? 'Innføring av ny journalløsning' : 'Felles anskaffelse av journalløsning'} i ${c.lead.name} og omland`,
    description: `${names} går sammen om ${c.call.measureCode === 'INNFORING' ? 'å innføre' : 'å anskaffe'} en felles journalløsning for helse- og omsorgstjenestene.`,
    purpose: 'Bedre samhandling med fastleger og sykehus, mindre dobbeltarbeid og felles kompetanse.',
    projectStart: `${NEXT}-01-01`,
    projectEnd: `${NEXT + 1}-06-30`,
    serviceAreas: ['PLO', 'LEGEVAKT'],
    budgetLines: [
      { costCategory: first, description: `${first.toLowerCase()} (${names})`.slice(0, 200), year: NEXT, amountOre: firstOre },
      { costCategory: second, description: second.toLowerCase(), year: NEXT + 1, amountOre: c.totalOre - firstOre },
    ],
    requestedAmountOre: c.requestedOre,
    ownContributionOre: c.totalOre - c.requestedOre,
    otherPublicFunding: { declared: false, items: [] },
    confirmations: ['NATIONAL_SOLUTIONS', 'MANDATORY_STANDARDS', 'NORMEN', 'DPIA_ROS'],
    benefitPlan: {
      indicators: [
        {
          name: 'Tid brukt per journalføring',
          unit: 'minutter',
          actor: 'MUNICIPALITY_STAFF',
          kind: 'BENEFIT',
          method: 'MEASURED',
          baselineValue: 6,
          baselineDate: `${NEXT - 1}-09-01`,
          targetValue: 3,
          targetYear: NEXT + 2,
        },
        {
          name: 'Andel elektroniske meldinger til fastlege',
          unit: 'prosent',
          actor: 'MUNICIPALITY_STAFF',
          kind: 'BENEFIT',
          method: 'MEASURED',
          baselineValue: 55,
          baselineDate: `${NEXT - 1}-09-01`,
          targetValue: 90,
          targetYear: NEXT + 2,
        },
      ],
    },
    contactPersons: [{ name: `Prosjektleder ${c.lead.name}`, email: `prosjekt-${c.lead.number}-${RUN}@demo.local`, role: 'prosjektleder' }],
  };
}

/** The payment export batches this run made. */
const exportIds: string[] = [];

/** Every payable tranche of these grants: attested by the officer, approved by the approver, exported per call and paid. */
async function payPayable(staff: { officer: string; approver: string }, grants: Consortium[], calls: Array<{ id: string }>): Promise<void> {
  const approved: Array<{ id: string; c: Consortium; amountOre: number }> = [];
  await each(grants, async (c) => {
    const g = await get(`/api/v1/grants/${c.grantId}`, staff.officer);
    for (const t of g.ledger.tranches as Array<{ paymentId: string; status: string; amountOre: number }>) {
      if (t.status !== 'PAYABLE') continue;
      await post(`/api/v1/payments/${t.paymentId}/attest`, staff.officer);
      await post(`/api/v1/payments/${t.paymentId}/approve`, staff.approver);
      approved.push({ id: t.paymentId, c, amountOre: t.amountOre });
    }
  });
  if (!approved.length) return;
  for (const call of calls) {
    const batch = await http<{ id?: string }>('/api/v1/payments/exports', {
      token: staff.officer,
      body: { callId: call.id },
      ok: [201, 422, 409],
    });
    if (batch.status === 201 && batch.body.id) exportIds.push(batch.body.id);
  }
  await each(approved, async (p) => {
    await post(`/api/v1/payments/${p.id}/mark-paid`, staff.officer);
    p.c.paidOre += p.amountOre;
  });
}

/** The lead fills in and submits the report (with a value for every indicator), and the officer approves it. */
async function report(c: Consortium, reportId: string, officer: string, final: boolean): Promise<void> {
  const token = c.leadApplicant!.token;
  const r = await get(`/api/v1/reports/${reportId}`, token);
  const app = await get(`/api/v1/applications/${c.applicationId}`, token);
  const indicators = app.content.benefitPlan.indicators as Array<{ id: string }>;
  const share = final ? 1 : 0.45;
  const actuals = (r.budget as Array<{ costCategory: string; year: number; approvedOre: number }>)
    .filter((b) => b.approvedOre > 0)
    .map((b) => ({ costCategory: b.costCategory, year: b.year, amountOre: Math.round((b.approvedOre * share) / KR) * KR }));
  const body: Record<string, unknown> = {
    sections: [
      { code: 'PROGRESS', text: final ? 'Prosjektet er gjennomført etter planen.' : 'Anskaffelsen er gjennomført; innføringen er i gang.' },
      { code: 'DEVIATIONS', text: 'Migreringen ble forsinket en måned; vi satte inn ekstra ressurser.' },
      { code: 'RISKS', text: 'Leverandørens kapasitet ved oppstart i de minste kommunene.' },
      { code: 'SHARING', text: 'Erfaringene er delt i KS-nettverket og på regionale samlinger.' },
    ],
    actuals,
    indicators: indicators.map((i, n) => ({
      indicatorId: i.id,
      measured: true,
      value: n === 0 ? (final ? '3.5' : '5.0') : final ? '85' : '68',
      periodStart: r.periodStart,
      periodEnd: r.periodEnd,
      method: 'MEASURED',
      comment: 'Målt i fagsystemets logg.',
    })),
  };
  if (final) {
    const total = actuals.reduce((s, a) => s + a.amountOre, 0);
    body.financialStatement = {
      totalEligibleCostsOre: total,
      ownContributionOre: total - c.amountOre!,
      otherPublicFundingOre: 0,
      grantUsedOre: c.amountOre,
    };
    body.benefitSummary = 'Tid per journalføring gikk ned fra 6 til 3,5 minutter; 85 % av meldingene til fastlege går nå elektronisk.';
    body.declaration = { name: `Kommunedirektør i ${c.lead.name}`, title: 'kommunedirektør' };
  }
  await put(`/api/v1/reports/${reportId}`, token, body);
  await post(`/api/v1/reports/${reportId}/submit`, token);
  await post(`/api/v1/reports/${reportId}/review`, officer, { outcome: 'APPROVE', comment: 'Godkjent.' });
  c.reports.push(final ? 'final' : 'progress');
}

/** The payment exports (CSV and XLSX), the public journal and grants, and the insights exports and charts if the server has them. */
async function writeExports(staff: { officer: string; evaluator: string }): Promise<string[]> {
  const written: string[] = [];
  const save = (name: string, data: Buffer | string) => {
    writeFileSync(join(OUT, name), data);
    written.push(name);
  };
  for (const [i, id] of exportIds.entries()) {
    for (const format of ['csv', 'xlsx']) {
      const file = await http<Buffer>(`/api/v1/payments/exports/${id}/${format}`, { token: staff.officer, binary: true });
      save(`utbetalinger-${i + 1}-${id.slice(0, 8)}.${format}`, file.body);
    }
  }
  save('offentlig-journal.json', JSON.stringify(await all(`/api/v1/public/journal?from=${osloDay()}&to=${osloDay()}`), null, 2));
  save('tildelte-tilskudd.json', JSON.stringify(await all('/api/v1/public/grants'), null, 2));
  // the insights routes (issue 15) when this server has them; a 404 means it does not
  for (const name of ['portfolio', 'reach', 'money-flow', 'indicators', 'timeliness']) {
    const x = await http<Buffer>(`/api/v1/insights/${name}?format=xlsx`, { token: staff.evaluator, binary: true, ok: [200, 404] });
    if (x.status === 200) save(`insights-${name}.xlsx`, x.body);
  }
  for (const chart of ['reach', 'money-flow', 'indicator-progress']) {
    const x = await http<Buffer>(`/api/v1/insights/charts/${chart}.svg`, { token: staff.evaluator, binary: true, ok: [200, 404] });
    if (x.status === 200) save(`chart-${chart}.svg`, x.body);
  }
  return written;
}

function summary(
  consortia: Consortium[],
  appellant: Consortium,
  reclaimed: Consortium | undefined,
  reclaim: { id: string; amountOre: number } | undefined,
  written: string[],
): void {
  const rows = consortia.map((c) => ({
    sak: c.caseNumber,
    konsortium: c.name.replace(/ \(.*\)$/, ''),
    målform: c.lead.writtenLanguage,
    medlemmer: c.members.length,
    innbyggere_leder: c.lead.population,
    søkt: kr(c.requestedOre),
    vedtak: c.outcome,
    innvilget: kr(c.amountOre ?? 0),
    utbetalt: kr(c.paidOre),
    rapporter: c.reports.join('+') || '-',
  }));
  console.log(`\nScheme year ${RUN}: ${consortia.length} applications in two calls`);
  console.table(rows);
  const sum = (f: (c: Consortium) => number) => kr(consortia.reduce((s, c) => s + f(c), 0));
  console.log(`requested ${sum((c) => c.requestedOre)}, granted ${sum((c) => c.amountOre ?? 0)}, paid ${sum((c) => c.paidOre)}`);
  console.log(`appeal: ${appellant.caseNumber} (${appellant.outcome}) lodged and forwarded to the appeal body`);
  if (reclaimed && reclaim) console.log(`reclaim: ${kr(reclaim.amountOre)} demanded back on ${reclaimed.caseNumber}`);
  console.log(`${requests} requests; files written to ${OUT}:\n  ${['letters/', ...written].join('\n  ')}`);
}

async function insightsSummary(evaluator: string): Promise<void> {
  const res = await http('/api/v1/insights/portfolio', { token: evaluator, ok: [200, 404] });
  if (res.status === 404) {
    console.log('insights: /api/v1/insights/portfolio is not on this server (404); no portfolio summary');
    return;
  }
  console.log('insights portfolio:');
  console.dir(res.body, { depth: 4 });
}

const watchdog = setTimeout(
  () => {
    console.error(`\ndemo FAILED: past its deadline during "${phase}"`);
    process.exit(1);
  },
  Math.max(0, DEADLINE - Date.now()) + 5000,
);
watchdog.unref();

main().then(
  () => {
    console.log('demo completed');
  },
  (e: unknown) => {
    bar?.stop();
    console.error(`\ndemo FAILED during "${phase}": ${e instanceof Error ? e.message : String(e)}`);
    // other clients may still be waiting on answers: stop them now
    process.exit(1);
  },
);
