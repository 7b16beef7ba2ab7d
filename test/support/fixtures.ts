import { randomBytes } from 'node:crypto';
import { Clock } from '../../src/common/clock';
import { TestApp } from './app';
import { callBody, completeDraft } from './bodies';

export { callBody, completeDraft, testRules, THIS_YEAR } from './bodies';

/**
 * Factories for calls, consortia and applications, through the real API. Later issues (assessment, decisions,
 * grants) start from a submitted application: `submittedApplication(t)` gives one in a fresh call.
 */

export type Auth = { Authorization: string };

/** An applicant user acting for a municipality's organisation (the demo seed has only Bergen and Oslo). */
export async function applicantFor(t: TestApp, municipalityNumber: string): Promise<{ userId: string; email: string; auth: Auth }> {
  const email = `applicant-${municipalityNumber}-${randomBytes(4).toString('hex')}@test.local`;
  const [user] = await t.dataSource.query(
    `INSERT INTO app_user (email, display_name, roles) VALUES ($1, $2, ARRAY['applicant']) RETURNING id`,
    [email, `Søker ${municipalityNumber}`],
  );
  await t.dataSource.query(
    `INSERT INTO user_organisation (user_id, organisation_id) SELECT $1, id FROM organisation WHERE municipality_number = $2`,
    [user.id, municipalityNumber],
  );
  return { userId: user.id, email, auth: { Authorization: `Bearer ${await t.tokenForUser(user.id)}` } };
}

/**
 * Hands out municipalities no other consortium of this test file has used, so "one application per municipality
 * per call" never couples two tests by accident.
 */
export class MunicipalityPool {
  private constructor(private readonly free: string[]) {}

  static async create(t: TestApp, opts: { excludeRegions?: string[]; reserved?: string[] } = {}): Promise<MunicipalityPool> {
    const rows: Array<{ number: string }> = await t.dataSource.query(
      `SELECT number FROM municipality WHERE NOT (health_region = ANY($1)) AND NOT (number = ANY($2)) ORDER BY number`,
      [opts.excludeRegions ?? [], opts.reserved ?? ['4601', '0301']],
    );
    return new MunicipalityPool(rows.map((r) => r.number));
  }

  take(n: number): string[] {
    if (this.free.length < n) throw new Error(`municipality pool exhausted (${this.free.length} left, ${n} wanted)`);
    return this.free.splice(0, n);
  }
}

export type ConsortiumBody = {
  id: string;
  name: string;
  members: Array<{ organisationId: string; municipalityNumber: string | null; status: string }>;
};

/**
 * A consortium led by `lead`, created as `auth` (an applicant of the lead, or an officer). Every member it invites
 * is then confirmed by a new applicant of that municipality, as the scheme requires before submission; pass
 * `{ confirm: false }` to leave them INVITED.
 */
export async function createConsortium(
  t: TestApp,
  auth: Auth,
  lead: string,
  members: string[],
  name = `Samarbeid ${lead}`,
  opts: { confirm?: boolean } = {},
): Promise<ConsortiumBody> {
  const res = await t.http().post('/api/v1/consortia').set(auth).send({ name, leadMunicipality: lead, members });
  if (res.status !== 201) throw new Error(`consortium: ${res.status} ${JSON.stringify(res.body)}`);
  if (opts.confirm === false) return res.body;
  return confirmMembers(t, res.body);
}

/** An applicant acting for any organisation (a health trust joining a consortium, say). */
export async function applicantOfOrganisation(t: TestApp, organisationId: string): Promise<{ userId: string; email: string; auth: Auth }> {
  const email = `applicant-${randomBytes(4).toString('hex')}@test.local`;
  const [user] = await t.dataSource.query(
    `INSERT INTO app_user (email, display_name, roles) VALUES ($1, 'Søker', ARRAY['applicant']) RETURNING id`,
    [email],
  );
  await t.dataSource.query(`INSERT INTO user_organisation (user_id, organisation_id) VALUES ($1, $2)`, [user.id, organisationId]);
  return { userId: user.id, email, auth: { Authorization: `Bearer ${await t.tokenForUser(user.id)}` } };
}

/** Each member not yet confirmed is confirmed by an applicant of its own (a new one, made for it). */
export async function confirmMembers(t: TestApp, consortium: ConsortiumBody): Promise<ConsortiumBody> {
  let body = consortium;
  for (const m of consortium.members) {
    if (m.status === 'CONFIRMED') continue;
    const member = m.municipalityNumber ? await applicantFor(t, m.municipalityNumber) : await applicantOfOrganisation(t, m.organisationId);
    const res = await t.http().post(`/api/v1/consortia/${consortium.id}/members/${m.organisationId}/confirm`).set(member.auth);
    if (res.status !== 200) throw new Error(`confirm ${m.municipalityNumber}: ${res.status} ${JSON.stringify(res.body)}`);
    body = res.body;
  }
  return body;
}

/** An officer creates (and by default publishes) a call. */
export async function createCall(t: TestApp, overrides: Record<string, unknown> = {}, opts: { publish?: boolean } = {}) {
  const created = await t.http().post('/api/v1/calls').set(t.auth('officer')).send(callBody(overrides));
  if (created.status !== 201) throw new Error(`call: ${created.status} ${JSON.stringify(created.body)}`);
  if (opts.publish === false) return created.body;
  const published = await t.http().post(`/api/v1/calls/${created.body.id}/publish`).set(t.auth('officer'));
  if (published.status !== 200) throw new Error(`publish: ${published.status} ${JSON.stringify(published.body)}`);
  return published.body;
}

export async function createDraft(t: TestApp, auth: Auth, body: Record<string, unknown>) {
  const res = await t.http().post('/api/v1/applications').set(auth).send(body);
  if (res.status !== 201) throw new Error(`application: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A submitted application in a fresh call (or the one given), by a new applicant of the first municipality. */
export async function submittedApplication(
  t: TestApp,
  opts: { pool: MunicipalityPool; call?: { id: string; measureCode: string }; members?: string[]; draft?: Record<string, unknown> },
) {
  const call = opts.call ?? (await createCall(t));
  const members = opts.members ?? opts.pool.take(2);
  const applicant = await applicantFor(t, members[0]);
  const consortium = await createConsortium(t, applicant.auth, members[0], members);
  const draft = await createDraft(t, applicant.auth, completeDraft(call.id, consortium.id, call.measureCode, opts.draft));
  const res = await t.http().post(`/api/v1/applications/${draft.id}/submit`).set(applicant.auth);
  if (res.status !== 200) throw new Error(`submit: ${res.status} ${JSON.stringify(res.body)}`);
  return { call, consortium, applicant, application: res.body };
}

/** Stands the app's clock at `at` (the rules' "now"); returns a function that gives the real clock back. */
export function setClock(t: TestApp, at: Date | string): () => void {
  const spy = jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => new Date(at));
  return () => spy.mockRestore();
}

// ---- document bytes for attachment tests ----

/** A PDF-looking file of exactly `size` bytes: the header, padding, and the %%EOF trailer. */
export function pdfBytes(size = 2048): Buffer {
  const head = Buffer.from('%PDF-1.7\n%âãÏÓ\n');
  const tail = Buffer.from('\n%%EOF\n');
  return Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length - tail.length), 0x20), tail]).subarray(0, size);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A valid (stored, uncompressed) ZIP with these entries: with [Content_Types].xml and word/… it is a docx. */
export function officeZip(names: string[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const name of names) {
    const data = Buffer.from(name.endsWith('.xml') ? '<?xml version="1.0"?><x/>' : 'data');
    const n = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    centrals.push(central, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(names.length, 8);
  end.writeUInt16LE(names.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export const docxBytes = () => officeZip(['[Content_Types].xml', '_rels/.rels', 'word/document.xml']);
