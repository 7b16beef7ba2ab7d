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
import {
  holdActiveUser,
  insertRefreshToken,
  insertSession,
  lockLiveSessionOfRefreshToken,
  lockRefreshToken,
  lockUser,
  markRefreshed,
  passwordHashOf,
  passwordLoginOf,
  replacePasswordHash,
  revokeApiTokensOf,
  revokeSessionRows,
  touchPasswordUse,
} from './identity.queries';

export type SessionMethod = 'password' | 'oidc';

const invalidCredentials = () => new DomainError(401, E.INVALID_CREDENTIALS, 'The e-mail address or the password is wrong.');
const invalidRefresh = () =>
  new DomainError(401, E.INVALID_REFRESH_TOKEN, 'The refresh token is invalid, expired, already used or revoked. Sign in again.');

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
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
    const u = await passwordLoginOf(this.dataSource.manager, email);
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
      if ((await passwordHashOf(m, u.id)) !== u.secret_hash) throw invalidCredentials();
      await this.throttle.clearAccount(m, email);
      await touchPasswordUse(m, u.id);
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
    const current = await passwordHashOf(this.dataSource.manager, actor.userId);
    if (!(await verifyPassword(current, currentPassword))) {
      await this.dataSource.transaction((m) =>
        this.audit.record(m, {
          action: 'auth.password_change_failed',
          entityType: 'user',
          entityId: actor.userId,
          before: null,
          after: { reason: current ? 'WRONG_PASSWORD' : 'NO_PASSWORD' },
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
      await lockUser(m, actor.userId);
      // someone changed it between the check and now: the checked password is no longer the one in use
      if (!(await replacePasswordHash(m, actor.userId, current!, hash)))
        throw new DomainError(403, E.WRONG_CURRENT_PASSWORD, 'The current password is wrong.');
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
    const s = await insertSession(m, { userId: actor.userId, method, ttlSeconds: this.config.refreshTokenTtlSeconds, clientAddress });
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
      const row = await lockRefreshToken(m, secretHash(refreshToken));
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
      await markRefreshed(m, row.token_id, row.session_id);
      return this.issue(m, row.user_id, row.session_id, row.expires_at);
    });
    if (!outcome) throw invalidRefresh();
    return outcome;
  }

  /** Ends the session the refresh token belongs to; its access tokens stop working as well. Idempotent. */
  async logout(refreshToken: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const row = await lockLiveSessionOfRefreshToken(m, secretHash(refreshToken));
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
    return revokeSessionRows(m, which, reason);
  }

  /** Ends every session and every API token of the user: what a password change and a deactivation both do. */
  async revokeAllCredentials(m: EntityManager, userId: string, reason: 'user_deactivated' | 'password_changed'): Promise<void> {
    await this.revokeSessions(m, { userId }, reason);
    await revokeApiTokensOf(m, userId);
  }

  private async issue(m: EntityManager, userId: string, sessionId: string, sessionExpiresAt: Date): Promise<TokenPair> {
    const refreshToken = newSecret(REFRESH_TOKEN_PREFIX);
    await insertRefreshToken(m, sessionId, secretHash(refreshToken));
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
