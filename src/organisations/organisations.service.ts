import { escapeLike } from '../common/sql-filter';
import { isUuid } from '../common/uuid';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { decodeCursor, Page, pageLimit, toPage } from '../common/pagination';
import { SqlFilter } from '../common/sql-filter';
import { DomainError, FieldProblem } from '../common/problem';
import { ledConsortium, ownConsortium } from '../identity/access/predicates';
import { NotificationService } from '../notifications/notification.service';
import { Recipient } from '../notifications/notification.types';
import {
  ConsortiumQuery,
  CreateConsortiumDto,
  LetterOfIntentDto,
  MunicipalityQuery,
  OrganisationQuery,
  UpdateConsortiumDto,
} from './dto/organisations.dto';
import { ConsentBasis, Consortium, MemberStatus } from './entities/consortium.entity';
import { ConsortiumPolicy } from './consortium.policy';
import { languageOf, Municipality } from './entities/municipality.entity';
import { Organisation } from './entities/organisation.entity';
import { OrganisationErrors as E } from './organisations.errors';
import {
  activeApplicants,
  confirmMemberRow,
  consortiumAttachmentType,
  consortiumMemberRows,
  consortiumPage,
  countActiveApplicants,
  deleteMembers,
  healthTrustIds,
  insertMembers,
  invitationFacts,
  municipalityOrganisations,
  submitLetterRow,
  touchConsortium,
  updateConsortiumRow,
} from './organisations.queries';
import { Actor } from '../common/actor';

export interface MunicipalityView {
  number: string;
  name: string;
  countyNumber: string;
  county: string;
  healthRegion: string;
  population: number;
  areaKm2: number;
  adminCentre: string;
  writtenLanguage: string;
  language: 'nb' | 'nn';
}

export interface ConsortiumMemberView {
  organisationId: string;
  kind: string;
  name: string;
  municipalityNumber: string | null;
  healthRegion: string | null;
  population: number | null;
  writtenLanguage: string | null;
  lead: boolean;
  /** INVITED until it consents; only CONFIRMED members (and those whose letter of intent awaits the officer) count. */
  status: MemberStatus;
  consentBasis: ConsentBasis | null;
  confirmedAt: string | null;
  letterAttachmentId: string | null;
}

export const CONSORTIUM_INVITATION = 'consortium.invitation';

/**
 * Tells why the consortium's membership may not change now (an application of it is submitted and under review),
 * or null. Registered by the applications module, which owns that knowledge.
 */
export type MembershipLock = (m: EntityManager, consortiumId: string) => Promise<string | null>;

export interface ConsortiumView {
  id: string;
  name: string;
  leadMunicipality: string;
  leadOrganisationId: string;
  members: ConsortiumMemberView[];
  municipalityCount: number;
  population: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

function municipalityView(m: Municipality): MunicipalityView {
  return {
    number: m.number,
    name: m.name,
    countyNumber: m.countyNumber,
    county: m.county,
    healthRegion: m.healthRegion,
    population: m.population,
    areaKm2: m.areaKm2,
    adminCentre: m.adminCentre,
    writtenLanguage: m.writtenLanguage,
    language: languageOf(m.writtenLanguage),
  };
}

@Injectable()
export class OrganisationsService implements OnModuleInit {
  private readonly membershipLocks: MembershipLock[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly notifications: NotificationService,
    private readonly policy: ConsortiumPolicy,
  ) {}

  onModuleInit() {
    this.notifications.define({
      event: CONSORTIUM_INVITATION,
      template: 'consortium-invitation',
      // nobody joins without consent: an invitation the municipality never hears of could never be answered
      mandatory: true,
      variables: ['consortiumName', 'leadName', 'memberName'],
      resolve: async ({ entityId, data, manager }) => {
        const row = await invitationFacts(manager, entityId, String(data.organisationId));
        // gone, or confirmed meanwhile: nothing left to ask
        if (!row || row.status === 'CONFIRMED') return null;
        return { consortiumName: row.name, leadName: row.lead_name, memberName: row.member_name };
      },
    });
  }

  registerMembershipLock(lock: MembershipLock) {
    this.membershipLocks.push(lock);
  }

  // ---- municipalities (reference data) ----

  async listMunicipalities(q: MunicipalityQuery): Promise<Page<MunicipalityView>> {
    const limit = pageLimit(q);
    const after = decodeCursor(q.cursor, ['text']);
    const qb = this.dataSource
      .getRepository(Municipality)
      .createQueryBuilder('m')
      .orderBy('m.number', 'ASC')
      .take(limit + 1);
    if (q.helseregion) qb.andWhere('m.health_region = :r', { r: q.helseregion });
    if (q.fylke) qb.andWhere('lower(m.county) = lower(:f)', { f: q.fylke });
    if (q.q) qb.andWhere('(m.name ILIKE :t OR m.number LIKE :p)', { t: `%${escapeLike(q.q)}%`, p: `${escapeLike(q.q)}%` });
    if (after) qb.andWhere('m.number > :after', { after: String(after[0]) });
    const rows = await qb.getMany();
    return toPage(rows.map(municipalityView), limit, (m) => [m.number]);
  }

  async getMunicipality(number: string): Promise<MunicipalityView> {
    const m = /^[0-9]{4}$/.test(number) ? await this.dataSource.getRepository(Municipality).findOneBy({ number }) : null;
    if (!m) throw DomainError.notFound('Municipality', number);
    return municipalityView(m);
  }

  // ---- organisations ----

  async listOrganisations(q: OrganisationQuery): Promise<Page<Organisation>> {
    const limit = pageLimit(q);
    const after = decodeCursor(q.cursor, ['text', 'uuid']);
    const qb = this.dataSource
      .getRepository(Organisation)
      .createQueryBuilder('o')
      .orderBy('o.name', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .take(limit + 1);
    if (q.kind) qb.andWhere('o.kind = :k', { k: q.kind });
    if (q.q) qb.andWhere('o.name ILIKE :t', { t: `%${escapeLike(q.q)}%` });
    if (after) qb.andWhere('(o.name, o.id) > (:n, :i)', { n: String(after[0]), i: String(after[1]) });
    return toPage(await qb.getMany(), limit, (o) => [o.name, o.id]);
  }

  async getOrganisation(id: string): Promise<Organisation> {
    const o = isUuid(id) ? await this.dataSource.getRepository(Organisation).findOneBy({ id }) : null;
    if (!o) throw DomainError.notFound('Organisation', id);
    return o;
  }

  // ---- consortia ----

  /** A consortium the actor may see; 404 (not 403) when it is someone else's, so its existence does not leak. */
  async getConsortium(actor: Actor, id: string, manager: EntityManager = this.dataSource.manager): Promise<ConsortiumView> {
    await this.policy.assert(manager, actor, id, 'read');
    return this.consortiumOf(manager, id);
  }

  /** The consortium behind an application, without the actor check (the application's own access rule applies). */
  async consortiumOf(manager: EntityManager, id: string): Promise<ConsortiumView> {
    const view = isUuid(id) ? (await this.loadViews(manager, [id]))[0] : undefined;
    if (!view) throw DomainError.notFound('Consortium', id);
    return view;
  }

  async listConsortia(actor: Actor, q: ConsortiumQuery): Promise<Page<ConsortiumView>> {
    const limit = pageLimit(q);
    const after = decodeCursor(q.cursor, ['timestamp', 'uuid']);
    const access = this.policy.filter(actor, 'read');
    if (access.none) return { items: [], nextCursor: null };
    const f = new SqlFilter();
    f.where(access.sql('c', (v) => f.bind(v)));
    if (q.member) {
      f.where(
        `EXISTS (SELECT 1 FROM consortium_member cm JOIN organisation o ON o.id = cm.organisation_id WHERE cm.consortium_id = c.id AND o.municipality_number = ${f.bind(q.member)})`,
      );
    }
    if (after) f.where(`(c.created_at, c.id) > (${f.bind(String(after[0]))}::timestamptz, ${f.bind(String(after[1]))}::uuid)`);
    const rows = await consortiumPage(this.dataSource.manager, f, limit + 1);
    const keys = new Map(rows.map((r) => [r.id, r.k]));
    const views = await this.loadViews(
      this.dataSource.manager,
      rows.map((r) => r.id),
    );
    return toPage(views, limit, (v) => [keys.get(v.id), v.id]);
  }

  async createConsortium(actor: Actor, dto: CreateConsortiumDto): Promise<ConsortiumView> {
    return this.dataSource.transaction(async (m) => {
      const resolved = await this.resolveMembers(m, dto.leadMunicipality, dto.members, dto.healthTrusts ?? []);
      if (!this.policy.filter(actor, 'write').all && !ledConsortium.holds(actor, resolved.leadOrganisationId)) {
        if (!ownConsortium.holds(actor, resolved.organisationIds))
          throw DomainError.forbidden('You can only create a consortium that your own organisation leads.', E.NOT_YOUR_CONSORTIUM);
        throw DomainError.forbidden(
          'You can only create a consortium led by your own municipality; the others are invited as members and confirm themselves.',
          E.NOT_YOUR_LEAD,
        );
      }
      const c = await m
        .getRepository(Consortium)
        .save(
          m
            .getRepository(Consortium)
            .create({ name: dto.name.trim(), leadOrganisationId: resolved.leadOrganisationId, createdBy: actor.userId }),
        );
      await this.addMembers(m, actor, c.id, resolved.organisationIds);
      const [view] = await this.loadViews(m, [c.id]);
      await this.audit.record(m, {
        action: 'consortium.created',
        entityType: 'consortium',
        entityId: c.id,
        before: null,
        after: auditShape(view),
      });
      return view;
    });
  }

  async updateConsortium(actor: Actor, id: string, dto: UpdateConsortiumDto): Promise<ConsortiumView> {
    return this.dataSource.transaction(async (m) => {
      const before = await this.lockedForChange(m, actor, id);
      const lead = dto.leadMunicipality ?? before.leadMunicipality;
      const members = dto.members ?? before.members.filter((x) => x.municipalityNumber).map((x) => x.municipalityNumber!);
      const trusts = dto.healthTrusts ?? before.members.filter((x) => x.kind === 'HEALTH_TRUST').map((x) => x.organisationId);
      const resolved = await this.resolveMembers(m, lead, members, trusts);
      const had = new Set(before.members.map((x) => x.organisationId));
      const added = resolved.organisationIds.filter((o) => !had.has(o));
      const removed = [...had].filter((o) => !resolved.organisationIds.includes(o));
      if (added.length || removed.length || resolved.leadOrganisationId !== before.leadOrganisationId) await this.assertUnlocked(m, id);
      if (resolved.leadOrganisationId !== before.leadOrganisationId && !this.policy.filter(actor, 'write').all) {
        // the lead is legally responsible for the grant: only a member that has said yes can be made it
        const next = before.members.find((x) => x.organisationId === resolved.leadOrganisationId);
        if (next?.status !== 'CONFIRMED' && !this.speaksFor(actor, resolved.leadOrganisationId)) {
          throw DomainError.conflict(
            E.NEW_LEAD_NOT_CONFIRMED,
            `${next?.name ?? lead} has not confirmed its membership; only a confirmed member can become the lead.`,
          );
        }
      }
      if (removed.length) await deleteMembers(m, id, removed);
      await this.addMembers(m, actor, id, added);
      await updateConsortiumRow(m, id, dto.name?.trim() ?? before.name, resolved.leadOrganisationId);
      const [after] = await this.loadViews(m, [id]);
      await this.audit.record(m, {
        action: 'consortium.updated',
        entityType: 'consortium',
        entityId: id,
        before: auditShape(before),
        after: auditShape(after),
      });
      return after;
    });
  }

  // ---- consent of the members ----

  /** An applicant of the member confirms that it is in the consortium (and so may be counted, and held, in a call). */
  async confirmMember(actor: Actor, id: string, organisationId: string): Promise<ConsortiumView> {
    return this.dataSource.transaction(async (m) => {
      const { view, member } = await this.memberOf(m, actor, id, organisationId);
      this.assertSpeaksFor(actor, member, 'confirm');
      if (member.status === 'CONFIRMED') return view;
      await confirmMemberRow(m, id, organisationId, 'APPLICANT', actor.userId);
      return this.recordMemberChange(m, id, 'consortium.member_confirmed', member);
    });
  }

  /** An applicant of a member (invited or confirmed, not the lead) takes it out of the consortium, before submission. */
  async leaveConsortium(actor: Actor, id: string, organisationId: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const { member } = await this.memberOf(m, actor, id, organisationId);
      this.assertSpeaksFor(actor, member, 'leave');
      if (member.lead)
        throw DomainError.conflict(
          E.LEAD_CANNOT_LEAVE,
          'The lead municipality cannot leave its consortium; make another confirmed member the lead first.',
        );
      await this.assertUnlocked(m, id);
      await deleteMembers(m, id, [organisationId]);
      await touchConsortium(m, id);
      await this.audit.record(m, {
        action: 'consortium.member_left',
        entityType: 'consortium',
        entityId: id,
        before: memberAuditShape(member),
        after: null,
      });
    });
  }

  /**
   * For a member with no applicant of its own yet: the lead submits its signed letter of intent (intensjonsavtale), a
   * PDF attached to one of the consortium's applications. The member then counts, provisionally, until the officer
   * accepts the letter at the formal check.
   */
  async submitLetterOfIntent(actor: Actor, id: string, organisationId: string, dto: LetterOfIntentDto): Promise<ConsortiumView> {
    return this.dataSource.transaction(async (m) => {
      const before = await this.lockedForChange(m, actor, id);
      const member = before.members.find((x) => x.organisationId === organisationId);
      if (!member) throw DomainError.notFound('Member', organisationId);
      if (member.status === 'CONFIRMED')
        throw DomainError.conflict(E.MEMBER_ALREADY_CONFIRMED, `${member.name} has already confirmed its membership.`);
      if ((await countActiveApplicants(m, organisationId)) > 0) {
        throw DomainError.conflict(
          E.MEMBER_HAS_APPLICANTS,
          `${member.name} has its own applicants in the service: one of them confirms the membership; a letter of intent is for a member without one.`,
        );
      }
      await this.assertUnlocked(m, id);
      // the applications module's table, read here only to check the letter is the consortium's own document
      const fileType = await consortiumAttachmentType(m, dto.attachmentId, id);
      if (!fileType) {
        throw DomainError.validation([
          {
            field: 'attachmentId',
            code: E.UNKNOWN_ATTACHMENT,
            message: `${dto.attachmentId} is not an attachment of an application of this consortium`,
          },
        ]);
      }
      if (fileType !== 'pdf')
        throw DomainError.validation([
          { field: 'attachmentId', code: E.LETTER_NOT_PDF, message: 'the signed letter of intent must be a PDF document' },
        ]);
      await submitLetterRow(m, id, organisationId, dto.attachmentId);
      return this.recordMemberChange(m, id, 'consortium.letter_of_intent_submitted', member);
    });
  }

  /** The officer accepts a submitted letter of intent as the member's consent (at the formal check). */
  async acceptLetterOfIntent(actor: Actor, id: string, organisationId: string): Promise<ConsortiumView> {
    return this.dataSource.transaction(async (m) => {
      const { member } = await this.memberOf(m, actor, id, organisationId);
      if (member.status !== 'LETTER_SUBMITTED')
        throw DomainError.conflict(
          E.NO_LETTER_TO_ACCEPT,
          `${member.name} is ${member.status.toLowerCase()}: there is no letter of intent waiting to be accepted.`,
        );
      await confirmMemberRow(m, id, organisationId, 'LETTER_OF_INTENT', actor.userId);
      return this.recordMemberChange(m, id, 'consortium.letter_of_intent_accepted', member);
    });
  }

  /** The consortium (visible to the actor, else 404) locked for the change, and the member (404 if not one). */
  private async memberOf(m: EntityManager, actor: Actor, id: string, organisationId: string) {
    await this.policy.assert(m, actor, id, 'read', { lock: true });
    const view = await this.consortiumOf(m, id);
    const member = view.members.find((x) => x.organisationId === organisationId);
    if (!member) throw DomainError.notFound('Member', organisationId);
    return { view, member };
  }

  private async recordMemberChange(m: EntityManager, id: string, action: string, before: ConsortiumMemberView): Promise<ConsortiumView> {
    const [view] = await this.loadViews(m, [id]);
    await this.audit.record(m, {
      action,
      entityType: 'consortium',
      entityId: id,
      before: memberAuditShape(before),
      after: memberAuditShape(view.members.find((x) => x.organisationId === before.organisationId)!),
    });
    return view;
  }

  /** Whether the actor is an applicant of this organisation, and so may give or withdraw its consent. */
  private speaksFor(actor: Actor, organisationId: string): boolean {
    return actor.roles.includes('applicant') && actor.organisationIds.includes(organisationId);
  }

  private assertSpeaksFor(actor: Actor, member: ConsortiumMemberView, what: 'confirm' | 'leave') {
    if (!this.speaksFor(actor, member.organisationId)) {
      throw DomainError.forbidden(
        `Only an applicant of ${member.name} can ${what === 'confirm' ? 'confirm its membership' : 'take it out of the consortium'}.`,
        E.NOT_YOUR_MEMBERSHIP,
      );
    }
  }

  /**
   * The consortium, locked, for a change only its lead makes: 404 if the actor cannot see it, 403 if it is a member
   * but not the lead (ONLY_LEAD_ACTS_FOR_CONSORTIUM) or sees it without being a member (NOT_YOUR_CONSORTIUM). An
   * officer may still correct any consortium. The row lock first, then the read: a concurrent change waits here and
   * reads what the other committed.
   */
  private async lockedForChange(m: EntityManager, actor: Actor, id: string): Promise<ConsortiumView> {
    await this.policy.assert(m, actor, id, 'write', { lock: true });
    return this.consortiumOf(m, id);
  }

  /** After submission nobody changes the membership of the submitted version. */
  private async assertUnlocked(m: EntityManager, id: string) {
    for (const lock of this.membershipLocks) {
      const why = await lock(m, id);
      if (why) throw DomainError.conflict(E.MEMBERSHIP_LOCKED, `The consortium's membership cannot change now: ${why}.`);
    }
  }

  /**
   * New members are INVITED and their applicants told; the actor's own organisations consent by being put in by it.
   * The invitation names the moment, so a member removed and invited again is asked again.
   */
  private async addMembers(m: EntityManager, actor: Actor, id: string, organisationIds: string[]) {
    if (!organisationIds.length) return;
    const own = organisationIds.filter((o) => this.speaksFor(actor, o));
    const rows = await insertMembers(m, id, organisationIds, actor.userId, own);
    for (const r of rows.filter((x) => x.status === 'INVITED')) {
      const recipients = await this.applicantsOf(m, r.organisation_id);
      if (!recipients.length) continue;
      await this.notifications.notify(m, {
        event: CONSORTIUM_INVITATION,
        entityType: 'consortium',
        entityId: id,
        recipients,
        data: { organisationId: r.organisation_id },
        occurrence: `${r.organisation_id}:${new Date(r.invited_at).toISOString()}`,
      });
    }
  }

  /** The active applicants of an organisation, written to in the municipality's written language. */
  private async applicantsOf(m: EntityManager, organisationId: string): Promise<Recipient[]> {
    const rows = await activeApplicants(m, organisationId);
    return rows.map((r) => ({ email: r.email, name: r.display_name, userId: r.id, language: languageOf(r.written_language ?? undefined) }));
  }

  /** Validates the member list; every problem is reported at once, by field. */
  private async resolveMembers(m: EntityManager, lead: string, members: string[], healthTrusts: string[]) {
    const problems: FieldProblem[] = [];
    const seen = new Map<string, number>();
    members.forEach((n, i) => {
      if (seen.has(n))
        problems.push({
          field: `members[${i}]`,
          code: E.DUPLICATE_MEMBER,
          message: `${n} is listed twice (also at members[${seen.get(n)}])`,
        });
      else seen.set(n, i);
    });
    const orgs = await municipalityOrganisations(m, [...seen.keys()]);
    const byNumber = new Map(orgs.map((o) => [o.municipality_number, o.id]));
    members.forEach((n, i) => {
      if (!byNumber.has(n) && seen.get(n) === i)
        problems.push({ field: `members[${i}]`, code: E.UNKNOWN_MUNICIPALITY, message: `${n} is not a Norwegian kommunenummer (2025)` });
    });
    if (!seen.has(lead)) {
      problems.push({
        field: 'leadMunicipality',
        code: E.LEAD_NOT_MEMBER,
        message: `the lead municipality ${lead} must also be listed in members`,
      });
    }
    const trustSeen = new Set<string>();
    const trusts = await healthTrustIds(m, healthTrusts);
    healthTrusts.forEach((t, i) => {
      if (trustSeen.has(t))
        problems.push({ field: `healthTrusts[${i}]`, code: E.DUPLICATE_MEMBER, message: 'this health trust is listed twice' });
      else if (!trusts.includes(t))
        problems.push({
          field: `healthTrusts[${i}]`,
          code: E.NOT_A_HEALTH_TRUST,
          message: `${t} is not a known health trust (helseforetak)`,
        });
      trustSeen.add(t);
    });
    if (problems.length) throw DomainError.validation(problems, 'The consortium has invalid members.');
    return {
      leadOrganisationId: byNumber.get(lead)!,
      organisationIds: [...[...seen.keys()].map((n) => byNumber.get(n)!), ...trustSeen],
    };
  }

  private async loadViews(m: EntityManager, ids: string[]): Promise<ConsortiumView[]> {
    if (!ids.length) return [];
    const rows = await consortiumMemberRows(m, ids);
    const views = new Map<string, ConsortiumView>();
    for (const r of rows) {
      let v = views.get(r.id);
      if (!v) {
        v = {
          id: r.id,
          name: r.name,
          leadMunicipality: '',
          leadOrganisationId: r.lead_organisation_id,
          members: [],
          municipalityCount: 0,
          population: 0,
          createdAt: new Date(r.created_at).toISOString(),
          updatedAt: new Date(r.updated_at).toISOString(),
          version: r.version,
        };
        views.set(r.id, v);
      }
      const lead = r.organisation_id === r.lead_organisation_id;
      if (lead) v.leadMunicipality = r.municipality_number ?? '';
      if (r.municipality_number) {
        v.municipalityCount++;
        v.population += r.population ?? 0;
      }
      v.members.push({
        organisationId: r.organisation_id,
        kind: r.kind,
        name: r.org_name,
        municipalityNumber: r.municipality_number,
        healthRegion: r.health_region,
        population: r.population,
        writtenLanguage: r.written_language,
        lead,
        status: r.status,
        consentBasis: r.consent_basis,
        confirmedAt: r.confirmed_at ? new Date(r.confirmed_at).toISOString() : null,
        letterAttachmentId: r.letter_attachment_id,
      });
    }
    return ids.map((id) => views.get(id)).filter((v): v is ConsortiumView => !!v);
  }
}

function auditShape(v: ConsortiumView) {
  return {
    name: v.name,
    leadMunicipality: v.leadMunicipality,
    members: v.members.map((m) => m.municipalityNumber ?? m.organisationId),
    invited: v.members.filter((m) => m.status !== 'CONFIRMED').map((m) => m.municipalityNumber ?? m.organisationId),
  };
}

function memberAuditShape(m: ConsortiumMemberView) {
  return {
    organisationId: m.organisationId,
    municipalityNumber: m.municipalityNumber,
    status: m.status,
    consentBasis: m.consentBasis,
    letterAttachmentId: m.letterAttachmentId,
  };
}
