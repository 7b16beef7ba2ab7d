import { Clock } from '../common/clock';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { decodeCursor, Page, pageLimit, toPage } from '../common/pagination';
import { DomainError, FieldProblem } from '../common/problem';
import { apiTokensOf, ApiTokenRow, holdActiveUser, insertApiToken, lockApiToken, revokeApiToken } from './identity.queries';
import { API_TOKEN_MAX_DAYS, ApiTokenQuery, CreateApiTokenDto } from './dto/api-tokens.dto';
import { IdentityErrors as E } from './identity.errors';
import { effectivePermissions, permissionsOf } from './permissions';
import { API_TOKEN_PREFIX, newSecret, secretHash } from './secrets';
import { isUuid } from '../common/uuid';
import { Actor } from '../common/actor';
import { Permission } from '../common/permissions';

export interface ApiTokenView {
  id: string;
  userId: string;
  name: string;
  /** The first characters of the secret, to recognise it; the secret itself is shown only once. */
  hint: string;
  scopes: string[];
  status: 'active' | 'expired' | 'revoked';
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function toView(r: ApiTokenRow, now: Date): ApiTokenView {
  return {
    id: r.id,
    userId: r.user_id,
    name: r.name,
    hint: r.hint,
    scopes: r.scopes,
    status: r.revoked_at ? 'revoked' : new Date(r.expires_at) <= now ? 'expired' : 'active',
    createdAt: iso(r.created_at)!,
    expiresAt: iso(r.expires_at)!,
    lastUsedAt: iso(r.last_used_at),
    revokedAt: iso(r.revoked_at),
  };
}

/** Personal API tokens for scripts: a user's own permissions, narrowed to scopes, with a required expiry. */
@Injectable()
export class ApiTokensService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, dto: CreateApiTokenDto): Promise<ApiTokenView & { token: string }> {
    const problems: FieldProblem[] = [];
    const held = permissionsOf(actor.roles);
    dto.scopes.forEach((s, i) => {
      if (!held.has(s as Permission))
        problems.push({
          field: `scopes[${i}]`,
          code: E.SCOPE_NOT_ALLOWED,
          message: `your roles do not hold ${s}, so a token of yours cannot either`,
        });
    });
    const expiresAt = new Date(dto.expiresAt);
    const now = this.clock.now().getTime();
    if (expiresAt.getTime() <= now + 60_000)
      problems.push({ field: 'expiresAt', code: E.INVALID_EXPIRY, message: 'expiresAt must be in the future' });
    else if (expiresAt.getTime() > now + API_TOKEN_MAX_DAYS * 86_400_000) {
      problems.push({ field: 'expiresAt', code: E.INVALID_EXPIRY, message: `a token may live at most ${API_TOKEN_MAX_DAYS} days` });
    }
    if (problems.length) throw DomainError.validation(problems);

    const token = newSecret(API_TOKEN_PREFIX);
    return this.dataSource.transaction(async (m) => {
      if (!(await holdActiveUser(m, actor.userId))) throw new DomainError(401, E.INVALID_TOKEN, 'The account is deactivated.');
      const row = await insertApiToken(m, {
        userId: actor.userId,
        name: dto.name.trim(),
        tokenHash: secretHash(token),
        hint: token.slice(0, API_TOKEN_PREFIX.length + 4),
        scopes: dto.scopes,
        expiresAt,
      });
      const view = toView(row, this.clock.now());
      await this.audit.record(m, {
        action: 'api_token.created',
        entityType: 'api_token',
        entityId: view.id,
        before: null,
        after: { userId: view.userId, name: view.name, hint: view.hint, scopes: view.scopes, expiresAt: view.expiresAt },
      });
      return { ...view, token };
    });
  }

  async list(actor: Actor, q: ApiTokenQuery): Promise<Page<ApiTokenView>> {
    const userId = q.userId ?? actor.userId;
    if (userId !== actor.userId && !this.managesUsers(actor)) throw DomainError.notFound('User', userId);
    const limit = pageLimit(q);
    const after = decodeCursor(q.cursor, ['timestamp', 'uuid']);
    const rows = await apiTokensOf(this.dataSource.manager, userId, limit + 1, after ?? undefined);
    return toPage(
      rows.map((r) => toView(r, this.clock.now())),
      limit,
      (t) => [t.createdAt, t.id],
    );
  }

  /** Revokes at once. Your own tokens; an admin may revoke anyone's (a leaked token cannot wait for its owner). */
  async revoke(actor: Actor, id: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const row = isUuid(id) ? await lockApiToken(m, id) : undefined;
      if (!row || (row.user_id !== actor.userId && !this.managesUsers(actor))) throw DomainError.notFound('API token', id);
      if (row.revoked_at) return;
      await revokeApiToken(m, id);
      await this.audit.record(m, {
        action: 'api_token.revoked',
        entityType: 'api_token',
        entityId: id,
        before: { revoked: false },
        after: { revoked: true, userId: row.user_id, name: row.name },
      });
    });
  }

  private managesUsers(actor: Actor): boolean {
    return effectivePermissions(actor).has('users:manage');
  }
}
