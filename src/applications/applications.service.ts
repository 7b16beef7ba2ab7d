import { Injectable, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, IsNull, MoreThan } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { CallsService } from '../calls/calls.service';
import { Clock } from '../common/clock';
import { Call } from '../calls/entities/call.entity';
import { decodeCursor, Page, pageLimit, PageQuery, toPage } from '../common/pagination';
import { escapeLike, SqlFilter } from '../common/sql-filter';
import { DomainError, FieldProblem } from '../common/problem';
import { CallPolicy } from '../calls/call.policy';
import { OrganisationsService } from '../organisations/organisations.service';
import { ApplicationAccess, ApplicationPolicy, ONLY_LEAD_ACTS_MESSAGE } from './application.policy';
import { ledConsortium } from '../identity/access/predicates';
import { ApplicationContent, contentSha256, withoutPersonalData } from './application-content';
import { EDITABLE_STATES, IN_PROGRESS_STATES } from './application.workflow';
import { ApplicationErrors as E } from './applications.errors';
import { costCategoriesByCode } from '../calls/cost-categories.queries';
import { budgetLineIds, replaceBudgetLines } from './budget-lines.queries';
import { ApplicationDraftDto, ApplicationQuery, BudgetLineDto, CreateApplicationDto } from './dto/applications.dto';
import {
  Application,
  ApplicationVersion,
  Attachment,
  BudgetLine,
  Contact,
  Indicator,
  OtherFunding,
  ServiceArea,
} from './entities/application.entity';
import { Actor } from '../common/actor';
import { applicationOfConsortiumNotIn, applicationSummaryPage, caseNumbersOfCallIn } from './applications.queries';

export interface ApplicationView {
  id: string;
  status: string;
  caseNumber: string | null;
  /** The latest submitted version; null before the first submission. */
  version: number | null;
  callId: string;
  consortiumId: string;
  editable: boolean;
  submittedAt: string | null;
  completionDueAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** The draft while editable; otherwise exactly the latest submitted version. */
  content: ApplicationContent;
  /** Of the content as stored (with the personal data, where it is withheld here). */
  contentSha256: string;
  /** Set when the contact persons are left out: the actor may read the application but not the personal data in it. */
  personalDataWithheld?: true;
}

export interface ApplicationSummary {
  id: string;
  status: string;
  caseNumber: string | null;
  callId: string;
  measureCode: string;
  title: string;
  consortiumId: string;
  consortiumName: string;
  leadMunicipality: string;
  healthRegion: string;
  requestedAmountOre: number | null;
  submittedAt: string | null;
  createdAt: string;
}

@Injectable()
export class ApplicationsService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly organisations: OrganisationsService,
    private readonly calls: CallsService,
    private readonly clock: Clock,
    private readonly policy: ApplicationPolicy,
    private readonly callPolicy: CallPolicy,
  ) {}

  onModuleInit() {
    // after submission nobody changes the membership of the submitted version; while it is returned for completion
    // the lead may, and the next submission freezes (and holds in the call) the consortium as it then is
    this.organisations.registerMembershipLock(async (m, consortiumId) => {
      const held = await applicationOfConsortiumNotIn(m, consortiumId, ['DRAFT', 'RETURNED', 'WITHDRAWN', 'REJECTED']);
      return held ? `application ${held.case_number} is ${held.status.toLowerCase()} with the consortium as it was submitted` : null;
    });
    // a call is archived only when every case under it has reached an outcome
    this.calls.registerArchiveCheck(async (m, callId) => {
      const open = await caseNumbersOfCallIn(m, callId, IN_PROGRESS_STATES, 6);
      if (!open.length) return null;
      const shown = open.slice(0, 5).join(', ');
      return {
        field: 'applications',
        code: E.APPLICATIONS_IN_PROGRESS,
        message: `applications still in progress: ${shown}${open.length > 5 ? ' and more' : ''}`,
      };
    });
  }

  /**
   * The application if the actor may know of it (and reach it at `access`), else 404: its existence does not leak.
   * Locked FOR UPDATE for anything but reading, before it is read.
   */
  async find(
    m: EntityManager,
    actor: Actor,
    id: string,
    access: Exclude<ApplicationAccess, 'personal'> = 'read',
    lock = access !== 'read',
  ): Promise<Application> {
    await this.policy.assert(m, actor, id, access, { lock });
    return m.getRepository(Application).findOneByOrFail({ id });
  }

  async create(actor: Actor, dto: CreateApplicationDto): Promise<ApplicationView> {
    return this.dataSource.transaction(async (m) => {
      const call = (await this.callPolicy.allows(m, actor, dto.callId, 'read')) ? await this.calls.find(m, dto.callId) : null;
      if (!call)
        throw DomainError.validation([{ field: 'callId', code: E.UNKNOWN_CALL, message: `${dto.callId} is not a published call` }]);
      if (call.status !== 'PUBLISHED' || this.clock.now().getTime() > call.closesAt.getTime()) {
        throw DomainError.conflict(E.CALL_NOT_OPEN, 'The call does not take applications any more.');
      }
      const consortium = await this.organisations.getConsortium(actor, dto.consortiumId, m).catch((e) => {
        if (e instanceof DomainError && e.getStatus() === 404) return null;
        throw e;
      });
      // seeing a consortium (an applicant who is also an evaluator sees all) is not applying on its behalf
      if (!consortium || !consortium.members.some((x) => actor.organisationIds.includes(x.organisationId))) {
        throw DomainError.validation([
          { field: 'consortiumId', code: E.UNKNOWN_CONSORTIUM, message: `${dto.consortiumId} is not a consortium you are a member of` },
        ]);
      }
      if (!ledConsortium.holds(actor, consortium.leadOrganisationId)) throw DomainError.forbidden(ONLY_LEAD_ACTS_MESSAGE, E.ONLY_LEAD_ACTS);
      const repo = m.getRepository(Application);
      const app = await repo.save(
        repo.create({ callId: call.id, consortiumId: consortium.id, title: dto.title.trim(), status: 'DRAFT', createdBy: actor.userId }),
      );
      await this.applyDraft(m, app, call, dto);
      const content = await this.liveContent(m, app.id, call);
      await this.audit.record(m, {
        action: 'application.created',
        entityType: 'application',
        entityId: app.id,
        before: null,
        after: auditable(content),
      });
      return this.view(await repo.findOneByOrFail({ id: app.id }), content);
    });
  }

  async update(actor: Actor, id: string, dto: ApplicationDraftDto): Promise<ApplicationView> {
    return this.dataSource.transaction(async (m) => {
      const app = await this.find(m, actor, id, 'write');
      this.assertEditable(app);
      const call = await this.calls.load(m, app.callId);
      const before = await this.liveContent(m, id, call);
      await this.applyDraft(m, app, call, dto);
      const after = await this.liveContent(m, id, call);
      await this.audit.record(m, {
        action: 'application.updated',
        entityType: 'application',
        entityId: id,
        before: auditable(before),
        after: auditable(after),
      });
      return this.view(await m.getRepository(Application).findOneByOrFail({ id }), after);
    });
  }

  assertEditable(app: Application) {
    if (!EDITABLE_STATES.includes(app.status)) {
      throw DomainError.conflict(
        E.APPLICATION_FROZEN,
        app.caseNumber
          ? `Application ${app.caseNumber} is ${app.status.toLowerCase()}; the submitted version is frozen. A grant officer can return it for completion if it must change.`
          : `The application is ${app.status.toLowerCase()} and can no longer be changed.`,
        { applicationStatus: app.status },
      );
    }
  }

  async get(actor: Actor, id: string): Promise<ApplicationView> {
    return this.current(this.dataSource.manager, actor, await this.find(this.dataSource.manager, actor, id));
  }

  /** While editable, the draft; once submitted, exactly the latest frozen version (the consortium as it was then). */
  async current(m: EntityManager, actor: Actor, app: Application): Promise<ApplicationView> {
    if (EDITABLE_STATES.includes(app.status) || app.currentVersion === 0)
      return this.shown(m, actor, this.view(app, await this.liveContent(m, app.id)));
    const v = await m.getRepository(ApplicationVersion).findOneByOrFail({ applicationId: app.id, version: app.currentVersion });
    return this.shown(m, actor, this.view(app, v.content, v.contentSha256));
  }

  /** What the actor is shown of it: without the contact persons unless it may see personal data in it. */
  private async shown<T extends { id: string; content: ApplicationContent; personalDataWithheld?: true }>(
    m: EntityManager,
    actor: Actor,
    view: T,
  ): Promise<T> {
    const personal = this.policy.filter(actor, 'personal');
    if (personal.all || (!personal.none && (await this.policy.allows(m, actor, view.id, 'personal')))) return view;
    return { ...view, content: withoutPersonalData(view.content), personalDataWithheld: true };
  }

  /** The frozen versions, oldest first, without their content (GET .../versions/{n} has it). */
  async versions(actor: Actor, id: string, q: PageQuery) {
    await this.find(this.dataSource.manager, actor, id);
    const limit = pageLimit(q);
    const after = decodeCursor(q.cursor, ['integer']);
    const rows = await this.dataSource.getRepository(ApplicationVersion).find({
      select: { version: true, callVersion: true, submittedAt: true, contentSha256: true },
      where: { applicationId: id, ...(after ? { version: MoreThan(Number(after[0])) } : {}) },
      order: { version: 'ASC' },
      take: limit + 1,
    });
    const views = rows.map((v) => ({
      version: v.version,
      callVersion: v.callVersion,
      submittedAt: v.submittedAt.toISOString(),
      contentSha256: v.contentSha256,
    }));
    return toPage(views, limit, (v) => [v.version]);
  }

  async version(actor: Actor, id: string, version: number) {
    await this.find(this.dataSource.manager, actor, id);
    const v = await this.dataSource.getRepository(ApplicationVersion).findOneBy({ applicationId: id, version });
    if (!v) throw DomainError.notFound('Version', version);
    const { content, personalDataWithheld } = await this.shown(this.dataSource.manager, actor, {
      id,
      content: v.content,
    } as { id: string; content: ApplicationContent; personalDataWithheld?: true });
    return {
      version: v.version,
      callVersion: v.callVersion,
      submittedAt: v.submittedAt.toISOString(),
      contentSha256: v.contentSha256,
      content,
      ...(personalDataWithheld ? { personalDataWithheld } : {}),
    };
  }

  async list(actor: Actor, q: ApplicationQuery): Promise<Page<ApplicationSummary>> {
    const limit = pageLimit(q);
    const after = decodeCursor(q.cursor, ['timestamp', 'uuid']);
    const access = this.policy.filter(actor, 'read');
    if (access.none) return { items: [], nextCursor: null };
    const f = new SqlFilter();
    f.where(access.sql('a', (v) => f.bind(v)));
    if (q.callId) f.where(`a.call_id = ${f.bind(q.callId)}`);
    if (q.status) f.where(`a.status = ${f.bind(q.status)}`);
    if (q.measure) f.where(`c.measure_code = ${f.bind(q.measure)}`);
    if (q.region) f.where(`lo.health_region = ${f.bind(q.region)}`);
    if (q.q) {
      const t = f.bind(`%${escapeLike(q.q)}%`);
      f.where(`(a.title ILIKE ${t} OR a.description ILIKE ${t} OR co.name ILIKE ${t} OR a.case_number LIKE ${t})`);
    }
    if (after) f.where(`(a.created_at, a.id) > (${f.bind(String(after[0]))}::timestamptz, ${f.bind(String(after[1]))}::uuid)`);
    const rows = await applicationSummaryPage(this.dataSource.manager, f, limit + 1);
    const cursorTime = new Map(rows.map((r) => [r.id, r.cursor_time]));
    const items: ApplicationSummary[] = rows.map((r) => ({
      id: r.id,
      status: r.status,
      caseNumber: r.case_number,
      callId: r.call_id,
      measureCode: r.measure_code,
      title: r.title,
      consortiumId: r.consortium_id,
      consortiumName: r.consortium_name,
      leadMunicipality: r.lead_municipality,
      healthRegion: r.health_region,
      requestedAmountOre: r.requested_amount_ore,
      submittedAt: r.submitted_at ? new Date(r.submitted_at).toISOString() : null,
      createdAt: new Date(r.created_at).toISOString(),
    }));
    return toPage(items, limit, (s) => [cursorTime.get(s.id), s.id]);
  }

  /** The draft as it stands, in the shape that is validated, hashed and frozen. */
  async liveContent(m: EntityManager, id: string, call?: Call): Promise<ApplicationContent> {
    const app = await m.getRepository(Application).findOneByOrFail({ id });
    const c = call ?? (await this.calls.load(m, app.callId));
    const consortium = await this.organisations.consortiumOf(m, app.consortiumId);
    const byPosition = { where: { applicationId: id }, order: { position: 'ASC' as const } };
    const lines = await m.getRepository(BudgetLine).find(byPosition);
    const funding = await m.getRepository(OtherFunding).find(byPosition);
    const indicators = await m.getRepository(Indicator).find(byPosition);
    const contacts = await m.getRepository(Contact).find(byPosition);
    const attachments = await m
      .getRepository(Attachment)
      .find({ where: { applicationId: id, removedAt: IsNull() }, order: { uploadedAt: 'ASC', id: 'ASC' } });
    return {
      call: { id: c.id, version: c.version, measureCode: c.measureCode, title: { nb: c.titleNb, nn: c.titleNn } },
      consortium: {
        id: consortium.id,
        name: consortium.name,
        leadMunicipality: consortium.leadMunicipality,
        members: consortium.members.map((x) => ({
          organisationId: x.organisationId,
          kind: x.kind,
          name: x.name,
          municipalityNumber: x.municipalityNumber,
          healthRegion: x.healthRegion,
          writtenLanguage: x.writtenLanguage,
          lead: x.lead,
          status: x.status,
        })),
      },
      title: app.title,
      description: app.description,
      purpose: app.purpose,
      projectStart: app.projectStart,
      projectEnd: app.projectEnd,
      serviceAreas: [...app.serviceAreas],
      budgetLines: lines.map((l) => ({
        id: l.id,
        costCategory: l.costCategory,
        description: l.description,
        year: l.year,
        amountOre: l.amountOre,
      })),
      requestedAmountOre: app.requestedAmountOre,
      ownContributionOre: app.ownContributionOre,
      otherPublicFunding: {
        declared: app.otherPublicFundingDeclared,
        items: funding.map((f) => ({ source: f.source, description: f.description, amountOre: f.amountOre })),
      },
      confirmations: [...app.confirmations],
      benefitPlan: {
        indicators: indicators.map((x) => ({
          id: x.id,
          name: x.name,
          unit: x.unit,
          actor: x.actor,
          kind: x.kind,
          method: x.method,
          baselineValue: x.baselineValue,
          baselineDate: x.baselineDate,
          targetValue: x.targetValue,
          targetYear: x.targetYear,
          priceYear: x.priceYear,
        })),
      },
      contactPersons: contacts.map((x) => ({ name: x.name, email: x.email, phone: x.phone, role: x.role })),
      attachments: attachments.map((x) => ({
        id: x.id,
        filename: x.filename,
        fileType: x.fileType,
        contentType: x.contentType,
        sizeBytes: x.sizeBytes,
        sha256: x.sha256,
      })),
    };
  }

  view(app: Application, content: ApplicationContent, sha256 = contentSha256(content)): ApplicationView {
    return {
      id: app.id,
      status: app.status,
      caseNumber: app.caseNumber,
      version: app.currentVersion || null,
      callId: app.callId,
      consortiumId: app.consortiumId,
      editable: EDITABLE_STATES.includes(app.status),
      submittedAt: app.submittedAt?.toISOString() ?? null,
      completionDueAt: app.completionDueAt?.toISOString() ?? null,
      createdAt: app.createdAt.toISOString(),
      updatedAt: app.updatedAt.toISOString(),
      content,
      contentSha256: sha256,
    };
  }

  /**
   * A line sent back with its id must be one of this draft's lines (once); its category must be in the scheme's
   * catalogue, which the line references by foreign key. Whether the call funds it is the eligibility check's to say.
   */
  private async budgetLineProblems(m: EntityManager, applicationId: string, lines: BudgetLineDto[] | undefined): Promise<FieldProblem[]> {
    if (!lines?.length) return [];
    const problems: FieldProblem[] = [];
    const existing = await budgetLineIds(m, applicationId);
    const seen = new Set<string>();
    lines.forEach((l, i) => {
      if (!l.id) return;
      if (!existing.includes(l.id) || seen.has(l.id)) {
        problems.push({
          field: `budgetLines[${i}].id`,
          code: E.UNKNOWN_BUDGET_LINE,
          message: `${l.id} is not a budget line of this application (leave id out for a new line)`,
        });
      }
      seen.add(l.id);
    });
    const known = await costCategoriesByCode(
      m,
      lines.map((l) => l.costCategory),
    );
    lines.forEach((l, i) => {
      if (!known.some((k) => k.code === l.costCategory)) {
        problems.push({
          field: `budgetLines[${i}].costCategory`,
          code: E.UNKNOWN_COST_CATEGORY,
          message: `${l.costCategory} is not a cost category of the scheme`,
        });
      }
    });
    return problems;
  }

  /** Writes the fields the request carries; a list given replaces the list. Codes are checked against the call. */
  private async applyDraft(m: EntityManager, app: Application, call: Call, dto: ApplicationDraftDto): Promise<void> {
    const problems: FieldProblem[] = [];
    const known = call.rules.requiredConfirmations.map((c) => c.code);
    dto.confirmations?.forEach((c, i) => {
      if (!known.includes(c))
        problems.push({
          field: `confirmations[${i}]`,
          code: E.UNKNOWN_CONFIRMATION,
          message: `${c} is not a confirmation this call asks for (${known.join(', ')})`,
        });
    });
    const existing = dto.benefitPlan ? await m.getRepository(Indicator).find({ where: { applicationId: app.id } }) : [];
    const seen = new Set<string>();
    dto.benefitPlan?.indicators.forEach((x, i) => {
      if (!x.id) return;
      if (!existing.some((e) => e.id === x.id) || seen.has(x.id)) {
        problems.push({
          field: `benefitPlan.indicators[${i}].id`,
          code: E.UNKNOWN_INDICATOR,
          message: `${x.id} is not an indicator of this application (leave id out for a new one)`,
        });
      }
      seen.add(x.id);
    });
    problems.push(...(await this.budgetLineProblems(m, app.id, dto.budgetLines)));
    if (problems.length) throw DomainError.validation(problems);

    const set: Partial<Application> = {};
    if (dto.title !== undefined) set.title = dto.title.trim();
    if (dto.description !== undefined) set.description = dto.description;
    if (dto.purpose !== undefined) set.purpose = dto.purpose;
    if (dto.projectStart !== undefined) set.projectStart = dto.projectStart;
    if (dto.projectEnd !== undefined) set.projectEnd = dto.projectEnd;
    if (dto.serviceAreas !== undefined) set.serviceAreas = [...new Set(dto.serviceAreas)] as ServiceArea[];
    if (dto.requestedAmountOre !== undefined) set.requestedAmountOre = dto.requestedAmountOre;
    if (dto.ownContributionOre !== undefined) set.ownContributionOre = dto.ownContributionOre;
    if (dto.confirmations !== undefined) set.confirmations = [...new Set(dto.confirmations)];
    if (dto.otherPublicFunding !== undefined) set.otherPublicFundingDeclared = dto.otherPublicFunding.declared;
    if (Object.keys(set).length) await m.getRepository(Application).update({ id: app.id }, set);
    else await m.getRepository(Application).update({ id: app.id }, { updatedAt: this.clock.now() });

    const applicationId = app.id;
    if (dto.budgetLines) {
      await replaceBudgetLines(
        m,
        applicationId,
        dto.budgetLines.map((l) => ({
          id: l.id ?? null,
          costCategory: l.costCategory,
          description: l.description,
          year: l.year,
          amountOre: l.amountOre,
        })),
      );
    }
    if (dto.otherPublicFunding) {
      await m.getRepository(OtherFunding).delete({ applicationId });
      if (dto.otherPublicFunding.items.length) {
        await m.getRepository(OtherFunding).insert(
          dto.otherPublicFunding.items.map((f, position) => ({
            applicationId,
            position,
            source: f.source,
            description: f.description ?? null,
            amountOre: f.amountOre,
          })),
        );
      }
    }
    if (dto.benefitPlan) {
      // delete and re-insert under the same ids: positions may be reordered without tripping UNIQUE(application_id, position)
      await m.getRepository(Indicator).delete({ applicationId });
      if (dto.benefitPlan.indicators.length) {
        await m.getRepository(Indicator).insert(
          dto.benefitPlan.indicators.map((x, position) => ({
            id: x.id ?? randomUUID(),
            applicationId,
            position,
            name: x.name,
            unit: x.unit,
            actor: x.actor,
            kind: x.kind,
            method: x.method,
            baselineValue: x.baselineValue ?? null,
            baselineDate: x.baselineDate ?? null,
            targetValue: x.targetValue ?? null,
            targetYear: x.targetYear ?? null,
            priceYear: x.priceYear ?? null,
          })),
        );
      }
    }
    if (dto.contactPersons) {
      await m.getRepository(Contact).delete({ applicationId });
      if (dto.contactPersons.length) {
        await m.getRepository(Contact).insert(
          dto.contactPersons.map((c, position) => ({
            applicationId,
            position,
            name: c.name,
            email: c.email.toLowerCase(),
            phone: c.phone ?? null,
            role: c.role ?? null,
          })),
        );
      }
    }
  }
}

/** The audit keeps what the applicant wrote; call, consortium and attachments by reference (attachments are audited on upload). */
function auditable({ call, consortium, attachments, ...rest }: ApplicationContent) {
  return { ...rest, callId: call.id, consortiumId: consortium.id, attachmentIds: attachments.map((a) => a.id) };
}
