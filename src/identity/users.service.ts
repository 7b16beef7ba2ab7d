import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, diffOf } from '../audit/audit.service';
import { decodeCursor, Page, pageLimit, toPage } from '../common/pagination';
import { escapeLike, SqlFilter } from '../common/sql-filter';
import { DomainError, FieldProblem } from '../common/problem';
import { AuthService, normaliseEmail } from './auth.service';
import { CreateUserDto, UpdateUserDto, UserQuery } from './dto/users.dto';
import { IdentityErrors as E } from './identity.errors';
import { hashPassword } from './passwords';
import { isUuid } from '../common/uuid';
import { Role } from '../common/roles';

export interface UserView {
  id: string;
  email: string;
  displayName: string;
  roles: Role[];
  organisationIds: string[];
  active: boolean;
  preferredLanguage: 'nb' | 'nn' | null;
  /** Whether the user can sign in with a password (others will use an external login). */
  hasPassword: boolean;
  createdAt: string;
  updatedAt: string;
}

const VIEW_SQL = `
  SELECT u.id, u.email, u.display_name, u.roles, u.active, u.preferred_language, u.created_at, u.updated_at,
         array(SELECT uo.organisation_id::text FROM user_organisation uo WHERE uo.user_id = u.id ORDER BY 1) AS organisation_ids,
         EXISTS (SELECT 1 FROM user_credential c WHERE c.user_id = u.id AND c.kind = 'password') AS has_password
    FROM app_user u`;

type ViewRow = {
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
};

function toView(r: ViewRow): UserView {
  return {
    id: r.id,
    email: r.email,
    displayName: r.display_name,
    roles: r.roles,
    organisationIds: r.organisation_ids,
    active: r.active,
    preferredLanguage: r.preferred_language,
    hasPassword: r.has_password,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

function auditShape(v: UserView) {
  return {
    email: v.email,
    displayName: v.displayName,
    roles: v.roles,
    organisationIds: v.organisationIds,
    active: v.active,
    preferredLanguage: v.preferredLanguage,
  };
}

/** User administration: people, their roles and organisations. Users are deactivated, never deleted (the audit trail names them). */
@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly auth: AuthService,
  ) {}

  async list(q: UserQuery): Promise<Page<UserView>> {
    const limit = pageLimit(q);
    const after = decodeCursor(q.cursor, ['text']);
    const f = new SqlFilter();
    if (q.role) f.where(`${f.bind(q.role)} = ANY(u.roles)`);
    if (q.active !== undefined) f.where(`u.active = ${f.bind(q.active)}`);
    if (q.organisationId)
      f.where(`EXISTS (SELECT 1 FROM user_organisation uo WHERE uo.user_id = u.id AND uo.organisation_id = ${f.bind(q.organisationId)})`);
    if (q.q) {
      const text = f.bind(`%${escapeLike(q.q)}%`);
      f.where(`(u.email ILIKE ${text} OR u.display_name ILIKE ${text})`);
    }
    if (after) f.where(`u.email > ${f.bind(String(after[0]))}`);
    const rows: ViewRow[] = await this.dataSource.query(`${VIEW_SQL} ${f.clause} ORDER BY u.email LIMIT ${f.bind(limit + 1)}`, f.params);
    return toPage(rows.map(toView), limit, (u) => [u.email]);
  }

  async get(id: string, m: EntityManager = this.dataSource.manager): Promise<UserView> {
    const [row]: ViewRow[] = isUuid(id) ? await m.query(`${VIEW_SQL} WHERE u.id = $1`, [id]) : [];
    if (!row) throw DomainError.notFound('User', id);
    return toView(row);
  }

  async create(dto: CreateUserDto): Promise<UserView> {
    const email = normaliseEmail(dto.email);
    // hashed before the transaction: on the embedded database a transaction holds the only session
    const passwordHash = dto.password ? await hashPassword(dto.password) : null;
    return this.dataSource.transaction(async (m) => {
      const organisationIds = dto.organisationIds ?? [];
      await this.assertBindings(m, dto.roles, organisationIds);
      const [row]: Array<{ id: string }> = await m.query(
        `INSERT INTO app_user (email, display_name, roles, preferred_language) VALUES ($1, $2, $3, $4)
         ON CONFLICT (email) DO NOTHING RETURNING id`,
        [email, dto.displayName.trim(), dto.roles, dto.preferredLanguage ?? null],
      );
      if (!row)
        throw new DomainError(409, E.EMAIL_TAKEN, `A user with e-mail ${email} already exists.`, [
          { field: 'email', code: E.EMAIL_TAKEN, message: 'already in use' },
        ]);
      await this.bind(m, row.id, organisationIds);
      if (passwordHash) await this.setPassword(m, row.id, passwordHash);
      const view = await this.get(row.id, m);
      await this.audit.record(m, {
        action: 'user.created',
        entityType: 'user',
        entityId: view.id,
        before: null,
        after: { ...auditShape(view), ...(passwordHash ? { credentialChanged: 'password' } : {}) },
      });
      return view;
    });
  }

  async update(id: string, dto: UpdateUserDto): Promise<UserView> {
    const passwordHash = dto.password ? await hashPassword(dto.password) : null;
    return this.dataSource.transaction(async (m) => {
      const [locked] = isUuid(id) ? await m.query(`SELECT id FROM app_user WHERE id = $1 FOR UPDATE`, [id]) : [];
      if (!locked) throw DomainError.notFound('User', id);
      const before = await this.get(id, m);
      const roles = dto.roles ?? before.roles;
      const active = dto.active ?? before.active;
      if (dto.roles || dto.organisationIds) await this.assertBindings(m, roles, dto.organisationIds ?? before.organisationIds);
      if (before.active && before.roles.includes('admin') && !(active && roles.includes('admin'))) await this.assertAnotherAdmin(m, id);

      await m.query(
        `UPDATE app_user SET display_name = $2, roles = $3, active = $4, preferred_language = $5, updated_at = now() WHERE id = $1`,
        [
          id,
          dto.displayName?.trim() ?? before.displayName,
          roles,
          active,
          dto.preferredLanguage === undefined ? before.preferredLanguage : dto.preferredLanguage,
        ],
      );
      if (dto.organisationIds) {
        await m.query(`DELETE FROM user_organisation WHERE user_id = $1`, [id]);
        await this.bind(m, id, dto.organisationIds);
      }
      if (passwordHash) {
        await this.setPassword(m, id, passwordHash);
        // a new password is what ends a suspected compromise: nothing handed out under the old one may outlive it
        await this.auth.revokeAllCredentials(m, id, 'password_changed');
      }
      if (before.active && !active) {
        // a later reactivation must not bring back what was handed out before
        await this.auth.revokeAllCredentials(m, id, 'user_deactivated');
      }
      const after = await this.get(id, m);
      const changed = {
        before: auditShape(before),
        after: { ...auditShape(after), ...(passwordHash ? { credentialChanged: 'password' } : {}) },
      };
      if (diffOf(changed.before, changed.after)) {
        await this.audit.record(m, {
          action: before.active && !active ? 'user.deactivated' : 'user.updated',
          entityType: 'user',
          entityId: id,
          ...changed,
        });
      }
      return after;
    });
  }

  /** Applicants act for organisations, so they need at least one; every organisation must exist. */
  private async assertBindings(m: EntityManager, roles: Role[], organisationIds: string[]) {
    const problems: FieldProblem[] = [];
    if (roles.includes('applicant') && organisationIds.length === 0) {
      problems.push({
        field: 'organisationIds',
        code: E.APPLICANT_NEEDS_ORGANISATION,
        message: 'an applicant must be bound to at least one organisation',
      });
    }
    if (organisationIds.length) {
      const found: Array<{ id: string }> = await m.query(`SELECT id::text FROM organisation WHERE id = ANY($1::uuid[])`, [organisationIds]);
      organisationIds.forEach((o, i) => {
        if (!found.some((f) => f.id === o))
          problems.push({ field: `organisationIds[${i}]`, code: E.UNKNOWN_ORGANISATION, message: `${o} is not a known organisation` });
      });
    }
    if (problems.length) throw DomainError.validation(problems);
  }

  /** The service's early, friendly check; a deferred trigger in the database is the backstop. */
  private async assertAnotherAdmin(m: EntityManager, exceptId: string) {
    const others: unknown[] = await m.query(`SELECT id FROM app_user WHERE active AND 'admin' = ANY(roles) AND id <> $1 FOR UPDATE`, [
      exceptId,
    ]);
    if (!others.length) throw DomainError.conflict(E.LAST_ADMIN, 'This is the last active admin; make someone else admin first.');
  }

  private async bind(m: EntityManager, userId: string, organisationIds: string[]) {
    if (organisationIds.length) {
      await m.query(`INSERT INTO user_organisation (user_id, organisation_id) SELECT $1, unnest($2::uuid[])`, [userId, organisationIds]);
    }
  }

  private async setPassword(m: EntityManager, userId: string, hash: string) {
    await m.query(
      `INSERT INTO user_credential (user_id, kind, secret_hash) VALUES ($1, 'password', $2)
       ON CONFLICT (user_id) WHERE kind = 'password' DO UPDATE SET secret_hash = EXCLUDED.secret_hash, updated_at = now()`,
      [userId, hash],
    );
  }
}
