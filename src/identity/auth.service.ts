import { Injectable, OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { AccessTokenClaims } from './auth.guard';
import { TokenPair } from './dto/auth.dto';
import { IdentityErrors as E } from './identity.errors';
import { LoginThrottle } from './login-throttle';
import { dummyHash, hashPassword, verifyPassword } from './passwords';
import { newSecret, REFRESH_TOKEN_PREFIX, secretHash } from './secrets';
import { Actor } from '../common/actor';
import { Role } from '../common/roles';

export type SessionMethod = 'password' | 'oidc';

const invalidCredentials = () => new DomainError(401, E.INVALID_CREDENTIALS, 'The e-mail address or the password is wrong.');
const invalidRefresh = () =>
  new DomainError(401, E.INVALID_REFRESH_TOKEN, 'The refresh token is invalid, expired, already used or revoked. Sign in again.');

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Keeps the account active until the caller's transaction commits: a deactivation in flight (it locks the user
 * row FOR UPDATE) is waited for and then seen, so nothing handed out now escapes the revocation it performs.
 */
export async function holdActiveUser(m: EntityManager, userId: string): Promise<boolean> {
  const rows: unknown[] = await m.query(`SELECT 1 FROM app_user WHERE id = $1 AND active FOR SHARE`, [userId]);
  return rows.length > 0;
}

/**
 * Sign-in and sessions. Proving who someone is (a password here; an OpenID Connect callback later) ends in
 * startSession(), which knows nothing about how the proof was made.
 */
@Injectable()
export class AuthService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly throttle: LoginThrottle,
  ) {}

  async onModuleInit() {
    await dummyHash();
  }

  async login(emailInput: string, password: string, clientAddress: string): Promise<TokenPair> {
    const email = normaliseEmail(emailInput);
    await this.throttle.admit(email, clientAddress);
    const [u]: Array<{ id: string; email: string; roles: Role[]; active: boolean; secret_hash: string | null }> =
      await this.dataSource.query(
        `SELECT u.id, u.email, u.roles, u.active, c.secret_hash
         FROM app_user u LEFT JOIN user_credential c ON c.user_id = u.id AND c.kind = 'password'
        WHERE u.email = $1`,
        [email],
      );
    // an unknown or deactivated account still pays for one argon2 verification, so timing tells nothing
    const ok = await verifyPassword(u?.active ? u.secret_hash : null, password);
    if (!u || !ok) {
      const reason = !u ? 'UNKNOWN_EMAIL' : !u.active ? 'DEACTIVATED' : !u.secret_hash ? 'NO_PASSWORD' : 'WRONG_PASSWORD';
      await this.dataSource.transaction((m) =>
        this.audit.record(m, {
          action: 'auth.login_failed',
          entityType: 'user',
          entityId: u?.id ?? null,
          before: null,
          after: { reason },
          actor: null,
          actorLabel: email,
        }),
      );
      throw invalidCredentials();
    }
    return this.dataSource.transaction(async (m) => {
      if (!(await holdActiveUser(m, u.id))) throw invalidCredentials();
      // read afresh after the hold: a password change that was in flight has committed by now, and another cannot start
      const [current]: Array<{ secret_hash: string }> = await m.query(
        `SELECT secret_hash FROM user_credential WHERE user_id = $1 AND kind = 'password'`,
        [u.id],
      );
      if (current?.secret_hash !== u.secret_hash) throw invalidCredentials();
      await this.throttle.clearAccount(m, email);
      await m.query(`UPDATE user_credential SET last_used_at = now() WHERE user_id = $1 AND kind = 'password'`, [u.id]);
      const actor: Actor = { userId: u.id, email: u.email, roles: u.roles, organisationIds: [], via: 'session' };
      return this.startSession(m, actor, 'password', clientAddress);
    });
  }

  /**
   * The signed-in user changes their own password. The current password is checked like a sign-in (same throttle,
   * so a stolen access token does not buy unlimited guesses), and the change ends every session and API token of the
   * user, the one making the change included: whoever else held a credential is out.
   */
  async changeOwnPassword(actor: Actor, currentPassword: string, newPassword: string, clientAddress: string): Promise<void> {
    if (actor.via !== 'session')
      throw new DomainError(403, E.SESSION_REQUIRED, 'A password can be changed only when signed in with a password, not by API token.');
    const email = normaliseEmail(actor.email);
    await this.throttle.admit(email, clientAddress);
    const [row]: Array<{ secret_hash: string | null }> = await this.dataSource.query(
      `SELECT secret_hash FROM user_credential WHERE user_id = $1 AND kind = 'password'`,
      [actor.userId],
    );
    if (!(await verifyPassword(row?.secret_hash ?? null, currentPassword))) {
      await this.dataSource.transaction((m) =>
        this.audit.record(m, {
          action: 'auth.password_change_failed',
          entityType: 'user',
          entityId: actor.userId,
          before: null,
          after: { reason: row?.secret_hash ? 'WRONG_PASSWORD' : 'NO_PASSWORD' },
          actor,
        }),
      );
      throw new DomainError(403, E.WRONG_CURRENT_PASSWORD, 'The current password is wrong.', [
        { field: 'currentPassword', code: E.WRONG_CURRENT_PASSWORD, message: 'is not the password in use' },
      ]);
    }
    // hashed before the transaction: on the embedded database a transaction holds the only session
    const hash = await hashPassword(newPassword);
    await this.dataSource.transaction(async (m) => {
      await m.query(`SELECT id FROM app_user WHERE id = $1 FOR UPDATE`, [actor.userId]);
      const updated: unknown[] = await m.query(
        `UPDATE user_credential SET secret_hash = $3, updated_at = now() WHERE user_id = $1 AND kind = 'password' AND secret_hash = $2 RETURNING user_id`,
        [actor.userId, row!.secret_hash, hash],
      );
      // someone changed it between the check and now: the checked password is no longer the one in use
      if (!updated.length) throw new DomainError(403, E.WRONG_CURRENT_PASSWORD, 'The current password is wrong.');
      await this.throttle.clearAccount(m, email);
      await this.revokeAllCredentials(m, actor.userId, 'password_changed');
      await this.audit.record(m, {
        action: 'user.password_changed',
        entityType: 'user',
        entityId: actor.userId,
        before: null,
        after: { credentialChanged: 'password', by: 'self' },
        actor,
      });
    });
  }

  /** Opens a login session for a person whose identity is proven, and issues its first token pair. */
  async startSession(m: EntityManager, actor: Actor, method: SessionMethod, clientAddress: string | null): Promise<TokenPair> {
    const [s]: Array<{ id: string; expires_at: Date }> = await m.query(
      `INSERT INTO auth_session (user_id, method, expires_at, client_address) VALUES ($1, $2, now() + make_interval(secs => $3::int), $4)
       RETURNING id, expires_at`,
      [actor.userId, method, this.config.refreshTokenTtlSeconds, clientAddress],
    );
    await this.audit.record(m, {
      action: 'auth.login',
      entityType: 'user',
      entityId: actor.userId,
      before: null,
      after: { sessionId: s.id, method },
      actor,
    });
    return this.issue(m, actor.userId, s.id, s.expires_at);
  }

  /**
   * Trades a refresh token for a new pair. Each refresh token works once: presenting a used one means it was
   * copied, so the whole session (every token descended from that login) is revoked.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const outcome = await this.dataSource.transaction(async (m) => {
      const [row]: Array<{
        token_id: string;
        rotated_at: Date | null;
        session_id: string;
        user_id: string;
        email: string;
        roles: Role[];
        expires_at: Date;
        usable: boolean;
      }> = await m.query(
        `SELECT rt.id AS token_id, rt.rotated_at, s.id AS session_id, s.user_id, s.expires_at, u.email, u.roles,
                (s.revoked_at IS NULL AND s.expires_at > now() AND u.active) AS usable
           FROM refresh_token rt JOIN auth_session s ON s.id = rt.session_id JOIN app_user u ON u.id = s.user_id
          WHERE rt.token_hash = $1
          FOR UPDATE OF rt, s`,
        [secretHash(refreshToken)],
      );
      if (!row || !row.usable) return null;
      if (row.rotated_at) {
        await this.revokeSessions(m, { sessionId: row.session_id }, 'reuse');
        await this.audit.record(m, {
          action: 'auth.refresh_token_reused',
          entityType: 'session',
          entityId: row.session_id,
          before: { revoked: false },
          after: { revoked: true, reason: 'reuse' },
          actor: null,
          actorLabel: row.email,
        });
        return null;
      }
      await m.query(`UPDATE refresh_token SET rotated_at = now() WHERE id = $1`, [row.token_id]);
      await m.query(`UPDATE auth_session SET last_refreshed_at = now() WHERE id = $1`, [row.session_id]);
      return this.issue(m, row.user_id, row.session_id, row.expires_at);
    });
    if (!outcome) throw invalidRefresh();
    return outcome;
  }

  /** Ends the session the refresh token belongs to; its access tokens stop working as well. Idempotent. */
  async logout(refreshToken: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const [row]: Array<{ session_id: string; user_id: string; email: string; roles: Role[] }> = await m.query(
        `SELECT s.id AS session_id, s.user_id, u.email, u.roles
           FROM refresh_token rt JOIN auth_session s ON s.id = rt.session_id JOIN app_user u ON u.id = s.user_id
          WHERE rt.token_hash = $1 AND s.revoked_at IS NULL
          FOR UPDATE OF s`,
        [secretHash(refreshToken)],
      );
      if (!row) return;
      await this.revokeSessions(m, { sessionId: row.session_id }, 'logout');
      const actor: Actor = { userId: row.user_id, email: row.email, roles: row.roles, organisationIds: [], via: 'session' };
      await this.audit.record(m, {
        action: 'auth.logout',
        entityType: 'session',
        entityId: row.session_id,
        before: { revoked: false },
        after: { revoked: true, reason: 'logout' },
        actor,
      });
    });
  }

  async revokeSessions(
    m: EntityManager,
    which: { sessionId: string } | { userId: string },
    reason: 'logout' | 'reuse' | 'user_deactivated' | 'password_changed',
  ): Promise<number> {
    const [col, id] = 'sessionId' in which ? ['id', which.sessionId] : ['user_id', which.userId];
    // wrapped in a SELECT: TypeORM shapes a bare UPDATE's result differently on PostgreSQL and PGlite
    const [{ n }] = await m.query(
      `WITH revoked AS (UPDATE auth_session SET revoked_at = now(), revoked_reason = $2 WHERE ${col} = $1 AND revoked_at IS NULL RETURNING id)
       SELECT count(*)::int AS n FROM revoked`,
      [id, reason],
    );
    return n;
  }

  /** Ends every session and every API token of the user: what a password change and a deactivation both do. */
  async revokeAllCredentials(m: EntityManager, userId: string, reason: 'user_deactivated' | 'password_changed'): Promise<void> {
    await this.revokeSessions(m, { userId }, reason);
    await m.query(`UPDATE api_token SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [userId]);
  }

  private async issue(m: EntityManager, userId: string, sessionId: string, sessionExpiresAt: Date): Promise<TokenPair> {
    const refreshToken = newSecret(REFRESH_TOKEN_PREFIX);
    await m.query(`INSERT INTO refresh_token (session_id, token_hash) VALUES ($1, $2)`, [sessionId, secretHash(refreshToken)]);
    const claims: AccessTokenClaims = { sub: userId, typ: 'access', sid: sessionId };
    return {
      tokenType: 'Bearer',
      accessToken: await this.jwt.signAsync(claims),
      expiresIn: this.config.accessTokenTtlSeconds,
      refreshToken,
      refreshExpiresAt: new Date(sessionExpiresAt).toISOString(),
    };
  }
}
