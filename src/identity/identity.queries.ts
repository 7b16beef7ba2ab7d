import { EntityManager } from 'typeorm';
import { Role } from '../common/roles';
import { SqlFilter } from '../common/sql-filter';
import { sqlInteger } from '../database/sql-numbers';

/**
 * The identity module's raw SQL for sign-in, sessions, tokens and the actor behind a request: one function per query,
 * each returning typed rows (snake_case, as the database names them). Callers pass the EntityManager of their
 * transaction, or dataSource.manager outside one; the rules (throttling, rotation, revocation) stay in the services.
 */

/* ------------------------------------------------------------------ users */

/**
 * Keeps the account active until the caller's transaction commits: a deactivation in flight (it locks the user
 * row FOR UPDATE) is waited for and then seen, so nothing handed out now escapes the revocation it performs.
 */
export async function holdActiveUser(m: EntityManager, userId: string): Promise<boolean> {
  const rows: unknown[] = await m.query(`SELECT 1 FROM app_user WHERE id = $1 AND active FOR SHARE`, [userId]);
  return rows.length > 0;
}

/** Locks the user row until the transaction ends; false when there is no such user. */
export async function lockUser(m: EntityManager, userId: string): Promise<boolean> {
  const rows: unknown[] = await m.query(`SELECT id FROM app_user WHERE id = $1 FOR UPDATE`, [userId]);
  return rows.length > 0;
}

/* ------------------------------------------------------------------ passwords */

export interface PasswordLoginRow {
  id: string;
  email: string;
  roles: Role[];
  active: boolean;
  secret_hash: string | null;
}

/** The account of an e-mail address with its password hash (null without one), or undefined. */
export async function passwordLoginOf(m: EntityManager, email: string): Promise<PasswordLoginRow | undefined> {
  const [row]: PasswordLoginRow[] = await m.query(
    `SELECT u.id, u.email, u.roles, u.active, c.secret_hash
       FROM app_user u LEFT JOIN user_credential c ON c.user_id = u.id AND c.kind = 'password'
      WHERE u.email = $1`,
    [email],
  );
  return row;
}

/** The user's password hash, or null when the user has no password. */
export async function passwordHashOf(m: EntityManager, userId: string): Promise<string | null> {
  const [row]: Array<{ secret_hash: string | null }> = await m.query(
    `SELECT secret_hash FROM user_credential WHERE user_id = $1 AND kind = 'password'`,
    [userId],
  );
  return row?.secret_hash ?? null;
}

export async function touchPasswordUse(m: EntityManager, userId: string): Promise<void> {
  await m.query(`UPDATE user_credential SET last_used_at = now() WHERE user_id = $1 AND kind = 'password'`, [userId]);
}

/** Replaces the password hash if it is still `expected`; false when it changed meanwhile. */
export async function replacePasswordHash(m: EntityManager, userId: string, expected: string, hash: string): Promise<boolean> {
  const updated: unknown[] = await m.query(
    `UPDATE user_credential SET secret_hash = $3, updated_at = now() WHERE user_id = $1 AND kind = 'password' AND secret_hash = $2 RETURNING user_id`,
    [userId, expected, hash],
  );
  return updated.length > 0;
}

/* ------------------------------------------------------------------ sessions and refresh tokens */

export async function insertSession(
  m: EntityManager,
  s: { userId: string; method: string; ttlSeconds: number; clientAddress: string | null },
): Promise<{ id: string; expires_at: Date }> {
  const [row]: Array<{ id: string; expires_at: Date }> = await m.query(
    `INSERT INTO auth_session (user_id, method, expires_at, client_address) VALUES ($1, $2, now() + make_interval(secs => $3::int), $4)
     RETURNING id, expires_at`,
    [s.userId, s.method, s.ttlSeconds, s.clientAddress],
  );
  return row;
}

export async function insertRefreshToken(m: EntityManager, sessionId: string, tokenHash: string): Promise<void> {
  await m.query(`INSERT INTO refresh_token (session_id, token_hash) VALUES ($1, $2)`, [sessionId, tokenHash]);
}

export interface RefreshTokenRow {
  token_id: string;
  rotated_at: Date | null;
  session_id: string;
  user_id: string;
  email: string;
  roles: Role[];
  expires_at: Date;
  /** The session is live (not revoked, not expired) and its user active. */
  usable: boolean;
}

/** The refresh token of this hash with its session, both locked until the transaction ends; undefined if unknown. */
export async function lockRefreshToken(m: EntityManager, tokenHash: string): Promise<RefreshTokenRow | undefined> {
  const [row]: RefreshTokenRow[] = await m.query(
    `SELECT rt.id AS token_id, rt.rotated_at, s.id AS session_id, s.user_id, s.expires_at, u.email, u.roles,
            (s.revoked_at IS NULL AND s.expires_at > now() AND u.active) AS usable
       FROM refresh_token rt JOIN auth_session s ON s.id = rt.session_id JOIN app_user u ON u.id = s.user_id
      WHERE rt.token_hash = $1
      FOR UPDATE OF rt, s`,
    [tokenHash],
  );
  return row;
}

/** The token is used up and its session refreshed now. */
export async function markRefreshed(m: EntityManager, tokenId: string, sessionId: string): Promise<void> {
  await m.query(`UPDATE refresh_token SET rotated_at = now() WHERE id = $1`, [tokenId]);
  await m.query(`UPDATE auth_session SET last_refreshed_at = now() WHERE id = $1`, [sessionId]);
}

export interface LiveSessionRow {
  session_id: string;
  user_id: string;
  email: string;
  roles: Role[];
}

/** The unrevoked session the refresh token of this hash belongs to, locked; undefined if none. */
export async function lockLiveSessionOfRefreshToken(m: EntityManager, tokenHash: string): Promise<LiveSessionRow | undefined> {
  const [row]: LiveSessionRow[] = await m.query(
    `SELECT s.id AS session_id, s.user_id, u.email, u.roles
       FROM refresh_token rt JOIN auth_session s ON s.id = rt.session_id JOIN app_user u ON u.id = s.user_id
      WHERE rt.token_hash = $1 AND s.revoked_at IS NULL
      FOR UPDATE OF s`,
    [tokenHash],
  );
  return row;
}

/** Revokes one session, or every live session of a user; how many it revoked. */
export async function revokeSessionRows(
  m: EntityManager,
  which: { sessionId: string } | { userId: string },
  reason: string,
): Promise<number> {
  const [col, id] = 'sessionId' in which ? ['id', which.sessionId] : ['user_id', which.userId];
  // wrapped in a SELECT: TypeORM shapes a bare UPDATE's result differently on PostgreSQL and PGlite
  const [{ n }]: Array<{ n: unknown }> = await m.query(
    `WITH revoked AS (UPDATE auth_session SET revoked_at = now(), revoked_reason = $2 WHERE ${col} = $1 AND revoked_at IS NULL RETURNING id)
     SELECT count(*) AS n FROM revoked`,
    [id, reason],
  );
  return sqlInteger(n, { what: 'the number of revoked sessions' });
}

export async function revokeApiTokensOf(m: EntityManager, userId: string): Promise<void> {
  await m.query(`UPDATE api_token SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [userId]);
}

/**
 * Deletes up to `batch` rows of the table that ended (expired or were revoked) before the cutoff; how many it deleted.
 * Rows another purge holds are skipped.
 */
export async function deleteEndedBatch(
  m: EntityManager,
  table: 'auth_session' | 'api_token',
  cutoff: Date,
  batch: number,
): Promise<number> {
  // wrapped in a SELECT: TypeORM shapes a bare DELETE's result differently on PostgreSQL and PGlite.
  // = ANY(ARRAY(…)) rather than IN (…): the batch is then deleted by primary key, not by a join over the table.
  const [{ n }]: Array<{ n: unknown }> = await m.query(
    `WITH gone AS (
       DELETE FROM ${table} WHERE id = ANY(ARRAY(
         SELECT id FROM ${table} WHERE expires_at < $1::timestamptz OR revoked_at < $1::timestamptz
          LIMIT $2::int FOR UPDATE SKIP LOCKED))
       RETURNING 1)
     SELECT count(*) AS n FROM gone`,
    [cutoff.toISOString(), batch],
  );
  return sqlInteger(n, { what: 'the number of deleted rows' });
}

/* ------------------------------------------------------------------ the actor behind a request */

export interface ActorRow {
  id: string;
  email: string;
  roles: Role[];
  organisation_ids: string[];
}

const ACTOR_COLUMNS = `u.id, u.email, u.roles, array(SELECT uo.organisation_id::text FROM user_organisation uo WHERE uo.user_id = u.id ORDER BY 1) AS organisation_ids`;

/** The active user of a live session, with its organisations; undefined when the session or the user is not. */
export async function sessionActor(m: EntityManager, userId: string, sessionId: string): Promise<ActorRow | undefined> {
  const [row]: ActorRow[] = await m.query(
    `SELECT ${ACTOR_COLUMNS} FROM app_user u
      WHERE u.id = $1 AND u.active
        AND EXISTS (SELECT 1 FROM auth_session s WHERE s.id = $2 AND s.user_id = u.id AND s.revoked_at IS NULL AND s.expires_at > now())`,
    [userId, sessionId],
  );
  return row;
}

export interface ApiTokenActorRow extends ActorRow {
  token_id: string;
  scopes: string[];
  /** Last used over a minute ago (or never): worth recording the use. */
  stale: boolean;
}

/** The active user of a live API token of this hash, with the token's scopes; undefined when there is none. */
export async function apiTokenActor(m: EntityManager, tokenHash: string): Promise<ApiTokenActorRow | undefined> {
  const [row]: ApiTokenActorRow[] = await m.query(
    `SELECT ${ACTOR_COLUMNS}, t.id AS token_id, t.scopes,
            (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute') AS stale
       FROM api_token t JOIN app_user u ON u.id = t.user_id
      WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now() AND u.active`,
    [tokenHash],
  );
  return row;
}

export async function touchApiToken(m: EntityManager, tokenId: string): Promise<void> {
  await m.query(`UPDATE api_token SET last_used_at = now() WHERE id = $1`, [tokenId]);
}

export interface OwnOrganisationRow {
  id: string;
  name: string;
  kind: string;
  municipalityNumber: string | null;
}

/** The organisations of these ids, by name (the caller's own, for /me). */
export function organisationsByIds(m: EntityManager, ids: string[]): Promise<OwnOrganisationRow[]> {
  return m.query(
    `SELECT id, name, kind, municipality_number AS "municipalityNumber" FROM organisation WHERE id = ANY($1::uuid[]) ORDER BY name`,
    [ids],
  );
}

/* ------------------------------------------------------------------ personal API tokens */

export interface ApiTokenRow {
  id: string;
  user_id: string;
  name: string;
  hint: string;
  scopes: string[];
  created_at: Date;
  expires_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const API_TOKEN_COLUMNS = 'id, user_id, name, hint, scopes, created_at, expires_at, last_used_at, revoked_at';

export async function insertApiToken(
  m: EntityManager,
  t: { userId: string; name: string; tokenHash: string; hint: string; scopes: string[]; expiresAt: Date },
): Promise<ApiTokenRow> {
  const [row]: ApiTokenRow[] = await m.query(
    `INSERT INTO api_token (user_id, name, token_hash, hint, scopes, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${API_TOKEN_COLUMNS}`,
    [t.userId, t.name, t.tokenHash, t.hint, t.scopes, t.expiresAt],
  );
  return row;
}

/** The user's tokens, newest first; `after` is the (created_at, id) of the last row of the previous page. */
export function apiTokensOf(m: EntityManager, userId: string, limit: number, after?: readonly unknown[]): Promise<ApiTokenRow[]> {
  return m.query(
    `SELECT ${API_TOKEN_COLUMNS} FROM api_token WHERE user_id = $1 ${after ? 'AND (created_at, id) < ($3::timestamptz, $4::uuid)' : ''}
      ORDER BY created_at DESC, id DESC LIMIT $2`,
    after ? [userId, limit, String(after[0]), String(after[1])] : [userId, limit],
  );
}

/** One token, locked until the transaction ends; undefined if there is none. */
export async function lockApiToken(m: EntityManager, id: string): Promise<ApiTokenRow | undefined> {
  const [row]: ApiTokenRow[] = await m.query(`SELECT ${API_TOKEN_COLUMNS} FROM api_token WHERE id = $1 FOR UPDATE`, [id]);
  return row;
}

export async function revokeApiToken(m: EntityManager, id: string): Promise<void> {
  await m.query(`UPDATE api_token SET revoked_at = now() WHERE id = $1`, [id]);
}

/* ------------------------------------------------------------------ users (administration) */

export interface UserRow {
  id: string;
  email: string;
  display_name: string;
  roles: Role[];
  active: boolean;
  preferred_language: 'nb' | 'nn' | null;
  created_at: Date;
  updated_at: Date;
  organisation_ids: string[];
  has_password: boolean;
}

const USER_SQL = `
  SELECT u.id, u.email, u.display_name, u.roles, u.active, u.preferred_language, u.created_at, u.updated_at,
         array(SELECT uo.organisation_id::text FROM user_organisation uo WHERE uo.user_id = u.id ORDER BY 1) AS organisation_ids,
         EXISTS (SELECT 1 FROM user_credential c WHERE c.user_id = u.id AND c.kind = 'password') AS has_password
    FROM app_user u`;

/** One page of users by e-mail address, under the filter (its conditions and the cursor). */
export function userPage(m: EntityManager, f: SqlFilter, limit: number): Promise<UserRow[]> {
  return m.query(`${USER_SQL} ${f.clause} ORDER BY u.email LIMIT ${f.bind(limit)}`, f.params);
}

export async function userById(m: EntityManager, id: string): Promise<UserRow | undefined> {
  const [row]: UserRow[] = await m.query(`${USER_SQL} WHERE u.id = $1`, [id]);
  return row;
}

/** A new user, or undefined when the e-mail address is taken. */
export async function insertUser(
  m: EntityManager,
  u: { email: string; displayName: string; roles: Role[]; preferredLanguage: string | null },
): Promise<string | undefined> {
  const [row]: Array<{ id: string }> = await m.query(
    `INSERT INTO app_user (email, display_name, roles, preferred_language) VALUES ($1, $2, $3, $4)
     ON CONFLICT (email) DO NOTHING RETURNING id`,
    [u.email, u.displayName, u.roles, u.preferredLanguage],
  );
  return row?.id;
}

export async function updateUserRow(
  m: EntityManager,
  id: string,
  u: { displayName: string; roles: Role[]; active: boolean; preferredLanguage: string | null },
): Promise<void> {
  await m.query(
    `UPDATE app_user SET display_name = $2, roles = $3, active = $4, preferred_language = $5, updated_at = now() WHERE id = $1`,
    [id, u.displayName, u.roles, u.active, u.preferredLanguage],
  );
}

export async function unbindOrganisations(m: EntityManager, userId: string): Promise<void> {
  await m.query(`DELETE FROM user_organisation WHERE user_id = $1`, [userId]);
}

export async function bindOrganisations(m: EntityManager, userId: string, organisationIds: string[]): Promise<void> {
  if (!organisationIds.length) return;
  await m.query(`INSERT INTO user_organisation (user_id, organisation_id) SELECT $1, unnest($2::uuid[])`, [userId, organisationIds]);
}

/** Those of the ids that are organisations. */
export async function existingOrganisationIds(m: EntityManager, ids: string[]): Promise<string[]> {
  const rows: Array<{ id: string }> = await m.query(`SELECT id::text FROM organisation WHERE id = ANY($1::uuid[])`, [ids]);
  return rows.map((r) => r.id);
}

/** Whether another active admin than this user exists, locking those admins until the transaction ends. */
export async function lockOtherActiveAdmins(m: EntityManager, exceptId: string): Promise<boolean> {
  const others: unknown[] = await m.query(`SELECT id FROM app_user WHERE active AND 'admin' = ANY(roles) AND id <> $1 FOR UPDATE`, [
    exceptId,
  ]);
  return others.length > 0;
}

/** Sets the user's password hash, adding the credential if the user had none. */
export async function setPasswordHash(m: EntityManager, userId: string, hash: string): Promise<void> {
  await m.query(
    `INSERT INTO user_credential (user_id, kind, secret_hash) VALUES ($1, 'password', $2)
     ON CONFLICT (user_id) WHERE kind = 'password' DO UPDATE SET secret_hash = EXCLUDED.secret_hash, updated_at = now()`,
    [userId, hash],
  );
}

/* ------------------------------------------------------------------ failed sign-ins (the login throttle) */

/** Takes the transaction's advisory locks of the account and of the address, account first (never in a circle). */
export async function lockLoginAttempt(m: EntityManager, keys: { account: number; address: number }, email: string, clientAddress: string) {
  await m.query(`SELECT pg_advisory_xact_lock($1::int, hashtext($2))`, [keys.account, email]);
  await m.query(`SELECT pg_advisory_xact_lock($1::int, hashtext($2))`, [keys.address, clientAddress]);
}

/**
 * Seconds until the `perPair`-th most recent failure of the account from the address, and the `perAddress`-th from
 * the address, leave the window (null while there are fewer): once it leaves, the count is under the limit again.
 * clock_timestamp(), not now(): now() is when the transaction began, before it waited for the locks.
 */
export async function failureWindowWaits(
  m: EntityManager,
  a: { email: string; clientAddress: string; windowSeconds: number; perPair: number; perAddress: number },
): Promise<{ pair: number | null; address: number | null }> {
  const [row]: Array<{ pair: number | string | null; address: number | string | null }> = await m.query(
    `SELECT (SELECT EXTRACT(EPOCH FROM occurred_at + make_interval(secs => $3::int) - clock_timestamp()) FROM failed_login
              WHERE email = $1 AND client_address = $2 AND occurred_at > clock_timestamp() - make_interval(secs => $3::int)
              ORDER BY occurred_at DESC OFFSET $4::int - 1 LIMIT 1)::float8 AS pair,
            (SELECT EXTRACT(EPOCH FROM occurred_at + make_interval(secs => $3::int) - clock_timestamp()) FROM failed_login
              WHERE client_address = $2 AND occurred_at > clock_timestamp() - make_interval(secs => $3::int)
              ORDER BY occurred_at DESC OFFSET $5::int - 1 LIMIT 1)::float8 AS address`,
    [a.email, a.clientAddress, a.windowSeconds, a.perPair, a.perAddress],
  );
  const seconds = (x: number | string | null | undefined) => (x == null ? null : Number(x));
  return { pair: seconds(row?.pair), address: seconds(row?.address) };
}

export interface AccountFailures {
  /** Failures of the account (from every address) within the window. */
  failures: number;
  /** Seconds since the last of them, or null when there is none. */
  sinceLast: number | null;
  /** The account signed in with its password from this address within `knownAddressDays`. */
  known: boolean;
}

export async function accountFailures(
  m: EntityManager,
  a: { email: string; clientAddress: string; windowSeconds: number; knownAddressDays: number },
): Promise<AccountFailures> {
  const [row]: Array<{ failures: unknown; since_last: number | string | null; known: boolean }> = await m.query(
    `SELECT count(*) AS failures, EXTRACT(EPOCH FROM clock_timestamp() - max(occurred_at))::float8 AS since_last,
            EXISTS (SELECT 1 FROM auth_session s JOIN app_user u ON u.id = s.user_id
                     WHERE u.email = $1 AND s.client_address = $2 AND s.method = 'password'
                       AND s.created_at > clock_timestamp() - make_interval(days => $4::int)) AS known
       FROM failed_login WHERE email = $1 AND occurred_at > clock_timestamp() - make_interval(secs => $3::int)`,
    [a.email, a.clientAddress, a.windowSeconds, a.knownAddressDays],
  );
  return {
    failures: sqlInteger(row.failures, { what: 'the number of failed sign-ins' }),
    sinceLast: row.since_last == null ? null : Number(row.since_last),
    known: row.known,
  };
}

export async function recordFailedLogin(m: EntityManager, email: string, clientAddress: string): Promise<void> {
  await m.query(`INSERT INTO failed_login (email, client_address, occurred_at) VALUES ($1, $2, clock_timestamp())`, [email, clientAddress]);
}

/** Forgets failures older than the window (the index on occurred_at makes this a no-op most of the time). */
export async function purgeFailedLogins(m: EntityManager, windowSeconds: number): Promise<void> {
  await m.query(`DELETE FROM failed_login WHERE occurred_at < clock_timestamp() - make_interval(secs => $1::int)`, [windowSeconds]);
}

export async function clearFailedLogins(m: EntityManager, email: string): Promise<void> {
  await m.query(`DELETE FROM failed_login WHERE email = $1`, [email]);
}

/** Those of the e-mail addresses that have an account. */
export async function existingEmails(m: EntityManager, emails: string[]): Promise<string[]> {
  const rows: Array<{ email: string }> = await m.query(`SELECT email FROM app_user WHERE email = ANY($1)`, [emails]);
  return rows.map((r) => r.email);
}

/** Binds the user to the organisation of a municipality (kommunenummer); none if the number has none. */
export async function bindMunicipality(m: EntityManager, userId: string, municipalityNumber: string): Promise<void> {
  await m.query(
    `INSERT INTO user_organisation (user_id, organisation_id)
     SELECT $1, id FROM organisation WHERE municipality_number = $2`,
    [userId, municipalityNumber],
  );
}
