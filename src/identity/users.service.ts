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
import {
  bindOrganisations,
  existingOrganisationIds,
  insertUser,
  lockOtherActiveAdmins,
  lockUser,
  setPasswordHash,
  unbindOrganisations,
  updateUserRow,
  userById,
  userPage,
  UserRow,
} from './identity.queries';

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

function toView(r: UserRow): UserView {
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
    const rows = await userPage(this.dataSource.manager, f, limit + 1);
    return toPage(rows.map(toView), limit, (u) => [u.email]);
  }

  async get(id: string, m: EntityManager = this.dataSource.manager): Promise<UserView> {
    const row = isUuid(id) ? await userById(m, id) : undefined;
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
      const userId = await insertUser(m, {
        email,
        displayName: dto.displayName.trim(),
        roles: dto.roles,
        preferredLanguage: dto.preferredLanguage ?? null,
      });
      if (!userId)
        throw new DomainError(409, E.EMAIL_TAKEN, `A user with e-mail ${email} already exists.`, [
          { field: 'email', code: E.EMAIL_TAKEN, message: 'already in use' },
        ]);
      await bindOrganisations(m, userId, organisationIds);
      if (passwordHash) await setPasswordHash(m, userId, passwordHash);
      const view = await this.get(userId, m);
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
      if (!isUuid(id) || !(await lockUser(m, id))) throw DomainError.notFound('User', id);
      const before = await this.get(id, m);
      const roles = dto.roles ?? before.roles;
      const active = dto.active ?? before.active;
      if (dto.roles || dto.organisationIds) await this.assertBindings(m, roles, dto.organisationIds ?? before.organisationIds);
      if (before.active && before.roles.includes('admin') && !(active && roles.includes('admin'))) await this.assertAnotherAdmin(m, id);

      await updateUserRow(m, id, {
        displayName: dto.displayName?.trim() ?? before.displayName,
        roles,
        active,
        preferredLanguage: dto.preferredLanguage === undefined ? before.preferredLanguage : dto.preferredLanguage,
      });
      if (dto.organisationIds) {
        await unbindOrganisations(m, id);
        await bindOrganisations(m, id, dto.organisationIds);
      }
      if (passwordHash) {
        await setPasswordHash(m, id, passwordHash);
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
      const found = await existingOrganisationIds(m, organisationIds);
      organisationIds.forEach((o, i) => {
        if (!found.includes(o))
          problems.push({ field: `organisationIds[${i}]`, code: E.UNKNOWN_ORGANISATION, message: `${o} is not a known organisation` });
      });
    }
    if (problems.length) throw DomainError.validation(problems);
  }

  /** The service's early, friendly check; a deferred trigger in the database is the backstop. */
  private async assertAnotherAdmin(m: EntityManager, exceptId: string) {
    if (!(await lockOtherActiveAdmins(m, exceptId)))
      throw DomainError.conflict(E.LAST_ADMIN, 'This is the last active admin; make someone else admin first.');
  }
}
