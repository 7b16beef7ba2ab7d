import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { DataSource, EntityManager, In } from 'typeorm';
import { ApplicationContent } from '../applications/application-content';
import { ApplicationWorkflow } from '../applications/application.workflow';
import { FileStorage } from '../storage/storage.port';
import { CaseJournal } from '../applications/case-journal.service';
import { Application, ApplicationVersion, Attachment } from '../applications/entities/application.entity';
import { AuditService } from '../audit/audit.service';
import { WorkflowEngine } from '../workflow/workflow';
import { CallRules } from '../calls/call-rules';
import { CallVersion } from '../calls/entities/call.entity';
import { Clock } from '../common/clock';
import { Page, pageInMemory, PageQuery } from '../common/pagination';
import { DomainError, FieldProblem } from '../common/problem';
import { Actor } from '../common/actor';
import { permissionsOf } from '../identity/permissions';
import { NotificationService } from '../notifications/notification.service';
import { isUuid } from '../common/uuid';
import { ASSESSMENT_EVENTS } from './assessment-notifications';
import { AssessmentErrors as E } from './assessment.errors';
import {
  activeUserContact,
  applicationOfAssignment,
  assessorLoads,
  assessorUserRow,
  assignmentKeys,
  blockingTieRows,
  callExists,
  callVersionTitle,
  consortiumMemberIds,
  knownOrganisations,
  lockApplication,
  lockApplicationsOfCall,
  lockCallStatus,
  lockUser,
  submittedApplicationExists,
  tiesOf,
  touchAssignment,
  upsertScore,
  userExists,
} from './assessment.queries';
import { AssignmentState, AssignmentWorkflow, LIVE_ASSIGNMENT_STATES } from './assignment.workflow';
import {
  AssignDto,
  AssignmentQuery,
  BulkAssignDto,
  CompleteDto,
  DeclarationDto,
  ReasonDto,
  ScoreDto,
  ScoresDto,
  TiesDto,
} from './dto/assessment.dto';
import { AssessmentRound, Assignment, AssessorTie, CallCriterion, ModeratedScore, Moderation, Score } from './entities/assessment.entity';
import {
  aggregate,
  ApplicationAggregate,
  assessmentRulesOf,
  AssessmentRules,
  checkScore,
  CriterionScores,
  round2,
  weightedScore,
} from './scoring';

const DAY_MS = 86400_000;
/** Applications an officer may assign assessors to. */
export const ASSESSABLE_STATES = ['ELIGIBLE', 'IN_ASSESSMENT', 'ASSESSED'];
/** A tie that ended longer ago than this no longer disqualifies (a recent employer still does). */
const TIE_COOLING_OFF_MONTHS = 12;

export interface TieView {
  organisationId: string;
  organisationName: string;
  kind: string;
  description: string | null;
  validFrom: string | null;
  validTo: string | null;
}

export interface BlockingTie {
  organisationId: string;
  organisationName: string;
  kind: string;
  /** 'declared' from the assessor's list; 'user-organisation' when the user acts for the organisation in the system. */
  source: 'declared' | 'user-organisation';
}

export interface AssignmentSummary {
  id: string;
  status: AssignmentState;
  applicationId: string;
  caseNumber: string;
  title: string;
  callId: string;
  assessor: { id: string; name: string };
  applicationVersion: number;
  dueAt: string;
  assignedAt: string;
  declaredAt: string | null;
  completedAt: string | null;
  round: number;
}

export interface AssignmentView extends AssignmentSummary {
  call: { id: string; version: number; title: { nb: string; nn: string } };
  consortium: { name: string; members: Array<{ name: string; kind: string; municipalityNumber: string | null; lead: boolean }> };
  declaration: { conflict: boolean; description: string | null; declaredAt: string } | null;
  recommendation: { recommendation: string; comment: string | null } | null;
  /** What the assessor may read now. */
  mayRead: boolean;
  criteria: Array<{
    code: string;
    name: string;
    description: string;
    weight: number;
    scaleMin: number;
    scaleMax: number;
    naAllowed: boolean;
  }>;
}

export interface ScoreView {
  criterion: string;
  score: number | null;
  notApplicable: boolean;
  rationale: string | null;
}

interface AssignmentRow {
  a: Assignment;
  caseNumber: string;
  assessorName: string;
  content: ApplicationContent;
}

/**
 * Assessors on applications: ties, assignment behind the conflict-of-interest gate (forvaltningsloven § 6), the
 * declaration, the reads a declared assessor is given, scoring, completion and reopening. The application moves
 * ELIGIBLE → IN_ASSESSMENT at its first assignment and to ASSESSED once every live assignment is complete (and a
 * flagged disagreement moderated); settle() decides that after every change.
 */
@Injectable()
export class AssessmentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly workflow: WorkflowEngine,
    private readonly journal: CaseJournal,
    private readonly notifications: NotificationService,
    private readonly storage: FileStorage,
    private readonly clock: Clock,
  ) {}

  // ---------------------------------------------------------------- ties

  async ties(userId: string, m: EntityManager = this.dataSource.manager): Promise<TieView[]> {
    const rows = await tiesOf(m, userId);
    return rows.map((r) => ({
      organisationId: r.organisation_id,
      organisationName: r.name,
      kind: r.kind,
      description: r.description,
      validFrom: r.valid_from,
      validTo: r.valid_to,
    }));
  }

  async userTies(id: string): Promise<TieView[]> {
    if (!isUuid(id) || !(await userExists(this.dataSource.manager, id))) throw DomainError.notFound('User', id);
    return this.ties(id);
  }

  async replaceTies(actor: Actor, dto: TiesDto): Promise<TieView[]> {
    return this.dataSource.transaction(async (m) => {
      const ids = [...new Set(dto.ties.map((t) => t.organisationId))];
      const known = ids.length ? await knownOrganisations(m, ids) : [];
      const problems: FieldProblem[] = [];
      dto.ties.forEach((t, i) => {
        if (!known.includes(t.organisationId))
          problems.push({
            field: `ties[${i}].organisationId`,
            code: E.UNKNOWN_ORGANISATION,
            message: `${t.organisationId} is not a known organisation`,
          });
        if (t.validFrom && t.validTo && t.validTo < t.validFrom)
          problems.push({ field: `ties[${i}].validTo`, code: E.PERIOD_ENDS_BEFORE_START, message: 'the tie must end after it starts' });
      });
      if (problems.length) throw DomainError.validation(problems);
      const before = await this.ties(actor.userId, m);
      await lockUser(m, actor.userId);
      await m.getRepository(AssessorTie).delete({ userId: actor.userId });
      if (dto.ties.length) {
        await m.getRepository(AssessorTie).insert(
          dto.ties.map((t, position) => ({
            userId: actor.userId,
            organisationId: t.organisationId,
            kind: t.kind,
            description: t.description ?? null,
            validFrom: t.validFrom ?? null,
            validTo: t.validTo ?? null,
            position,
            updatedAt: this.clock.now(),
          })),
        );
      }
      const after = await this.ties(actor.userId, m);
      await this.audit.record(m, {
        action: 'assessor.ties_replaced',
        entityType: 'app_user',
        entityId: actor.userId,
        before: { ties: before },
        after: { ties: after },
      });
      return after;
    });
  }

  /**
   * Known ties of a user to any of these organisations: the ties it declared (still holding, or ended less than
   * TIE_COOLING_OFF_MONTHS ago), and the organisations it acts for in this system.
   */
  async blockingTies(m: EntityManager, userId: string, organisationIds: string[]): Promise<BlockingTie[]> {
    if (!organisationIds.length) return [];
    const today = this.clock.now().toISOString().slice(0, 10);
    const rows = await blockingTieRows(m, userId, organisationIds, today, TIE_COOLING_OFF_MONTHS);
    return rows.map((r) => ({ organisationId: r.organisation_id, organisationName: r.name, kind: r.kind, source: r.source }));
  }

  /** Every organisation of the consortium: as frozen in the submitted version, and any member it has now. */
  private async memberOrganisations(m: EntityManager, app: Application, content: ApplicationContent): Promise<string[]> {
    const now = await consortiumMemberIds(m, app.consortiumId);
    return [...new Set([...content.consortium.members.map((x) => x.organisationId), ...now])];
  }

  // ---------------------------------------------------------------- assignment

  async assign(actor: Actor, applicationId: string, dto: AssignDto): Promise<AssignmentView> {
    const id = await this.dataSource.transaction(async (m) => {
      const app = await this.lockAssessable(m, applicationId);
      const assessor = await this.assessorUser(m, dto.assessorId, 'assessorId');
      const version = await m.getRepository(ApplicationVersion).findOneByOrFail({ applicationId: app.id, version: app.currentVersion });
      const rules = await this.rulesOf(m, app.callId, version.callVersion);
      const dueAt = this.dueAt(dto.dueAt, rules);
      const live = await m
        .getRepository(Assignment)
        .findOneBy({ applicationId: app.id, assessorUserId: assessor.id, status: In([...LIVE_ASSIGNMENT_STATES]) });
      if (live)
        throw DomainError.conflict(E.ALREADY_ASSIGNED, `${assessor.name} is already assigned to application ${app.caseNumber}.`, {
          assignmentId: live.id,
        });
      const ties = await this.blockingTies(m, assessor.id, await this.memberOrganisations(m, app, version.content));
      if (ties.length) throw tiedProblem(assessor.name, app.caseNumber!, ties);
      return this.insertAssignment(m, actor, app, version, assessor.id, dueAt);
    });
    return this.get(actor, id);
  }

  /**
   * Assessors for every assessable application of a call, `perApplication` each, least-loaded first (load counts the
   * assignments each already has in the call), skipping an assessor tied to the consortium. One transaction.
   */
  async assignCall(actor: Actor, callId: string, dto: BulkAssignDto) {
    return this.dataSource.transaction(async (m) => {
      const call = isUuid(callId) ? await lockCallStatus(m, callId) : undefined;
      if (!call || call.status === 'DRAFT') throw DomainError.notFound('Call', callId);
      const assessorIds = [...new Set(dto.assessorIds)];
      const assessors = [];
      for (const [i, id] of assessorIds.entries()) assessors.push(await this.assessorUser(m, id, `assessorIds[${i}]`));
      if (assessors.length < dto.perApplication) {
        throw DomainError.validation([
          {
            field: 'perApplication',
            code: E.NOT_ENOUGH_ASSESSORS,
            message: `${dto.perApplication} per application needs at least as many assessors (${assessors.length} given)`,
          },
        ]);
      }
      const apps = await lockApplicationsOfCall(m, callId, ASSESSABLE_STATES);
      const loadRows = await assessorLoads(m, callId, LIVE_ASSIGNMENT_STATES);
      const load = new Map(assessors.map((a) => [a.id, loadRows.find((r) => r.assessor_user_id === a.id)?.n ?? 0]));
      const assigned: Array<{ applicationId: string; caseNumber: string; assessorId: string; assignmentId: string }> = [];
      const skipped: Array<{ applicationId: string; caseNumber: string; assessorId: string; reason: string; ties: BlockingTie[] }> = [];
      const shortfalls: Array<{ applicationId: string; caseNumber: string; missing: number }> = [];
      for (const id of apps) {
        const app = await m.getRepository(Application).findOneByOrFail({ id });
        const version = await m.getRepository(ApplicationVersion).findOneByOrFail({ applicationId: id, version: app.currentVersion });
        const rules = await this.rulesOf(m, app.callId, version.callVersion);
        const dueAt = this.dueAt(dto.dueAt, rules);
        const current = await m.getRepository(Assignment).findBy({ applicationId: id, status: In([...LIVE_ASSIGNMENT_STATES]) });
        let missing = dto.perApplication - current.length;
        if (missing <= 0) continue;
        const members = await this.memberOrganisations(m, app, version.content);
        // least loaded first; the order given breaks ties, so the same request spreads the same way
        const order = assessors
          .map((a, i) => ({ a, i }))
          .filter(({ a }) => !current.some((c) => c.assessorUserId === a.id))
          .sort((x, y) => load.get(x.a.id)! - load.get(y.a.id)! || x.i - y.i);
        for (const { a } of order) {
          if (missing <= 0) break;
          const ties = await this.blockingTies(m, a.id, members);
          if (ties.length) {
            skipped.push({ applicationId: id, caseNumber: app.caseNumber!, assessorId: a.id, reason: tieSentence(a.name, ties), ties });
            continue;
          }
          const assignmentId = await this.insertAssignment(m, actor, app, version, a.id, dueAt);
          // the application's status may just have moved: read it again for the next assignment
          Object.assign(app, await m.getRepository(Application).findOneByOrFail({ id }));
          assigned.push({ applicationId: id, caseNumber: app.caseNumber!, assessorId: a.id, assignmentId });
          load.set(a.id, load.get(a.id)! + 1);
          missing--;
        }
        if (missing > 0) shortfalls.push({ applicationId: id, caseNumber: app.caseNumber!, missing });
      }
      return { assigned, skipped, shortfalls, load: Object.fromEntries(load) };
    });
  }

  private async insertAssignment(
    m: EntityManager,
    actor: Actor,
    app: Application,
    version: ApplicationVersion,
    assessorId: string,
    dueAt: Date,
  ): Promise<string> {
    const now = this.clock.now();
    const repo = m.getRepository(Assignment);
    const saved = await repo.save(
      repo.create({
        status: 'ASSIGNED',
        applicationId: app.id,
        callId: app.callId,
        applicationVersion: version.version,
        callVersion: version.callVersion,
        assessorUserId: assessorId,
        dueAt,
        assignedBy: actor.userId,
        assignedAt: now,
        round: 1,
        updatedAt: now,
      }),
    );
    await this.audit.record(m, {
      action: 'assessment_assignment.assigned',
      entityType: 'assessment_assignment',
      entityId: saved.id,
      before: null,
      after: { applicationId: app.id, assessorUserId: assessorId, applicationVersion: version.version, dueAt: dueAt.toISOString() },
    });
    if (app.status === 'ELIGIBLE')
      await this.workflow.transition(m, ApplicationWorkflow, app.id, 'start_assessment', actor, { set: { updated_at: now.toISOString() } });
    if (app.status === 'ASSESSED')
      await this.workflow.transition(m, ApplicationWorkflow, app.id, 'resume_assessment', actor, {
        reason: 'another assessor is assigned',
        set: { updated_at: now.toISOString() },
      });
    return saved.id;
  }

  async withdraw(actor: Actor, id: string, dto: ReasonDto): Promise<AssignmentView> {
    await this.dataSource.transaction(async (m) => {
      const a = await this.lockAssignment(m, actor, id, 'manage');
      await this.workflow.transition(m, AssignmentWorkflow, a.id, 'withdraw', actor, {
        reason: dto.reason,
        set: { updated_at: this.clock.now().toISOString() },
      });
      await this.settle(m, actor, a.applicationId);
    });
    return this.get(actor, id);
  }

  // ---------------------------------------------------------------- declaration and the gated reads

  async declare(actor: Actor, id: string, dto: DeclarationDto): Promise<AssignmentView> {
    await this.dataSource.transaction(async (m) => {
      const a = await this.lockAssignment(m, actor, id, 'own');
      const now = this.clock.now();
      if (dto.conflict) {
        await this.workflow.transition(m, AssignmentWorkflow, a.id, 'declare_conflict', actor, {
          reason: dto.description,
          set: { declared_at: now.toISOString(), conflict: true, conflict_description: dto.description!, updated_at: now.toISOString() },
        });
        // the officer who assigned it is told, so another assessor can be assigned
        const officer = await activeUserContact(m, a.assignedBy);
        if (officer) {
          await this.notifications.notify(m, {
            event: ASSESSMENT_EVENTS.conflictDeclared,
            entityType: 'assessment_assignment',
            entityId: a.id,
            recipients: [{ email: officer.email, name: officer.display_name, userId: officer.id }],
            data: { description: dto.description },
          });
        }
        await this.settle(m, actor, a.applicationId);
      } else {
        await this.workflow.transition(m, AssignmentWorkflow, a.id, 'declare_no_conflict', actor, {
          set: { declared_at: now.toISOString(), conflict: false, updated_at: now.toISOString() },
        });
      }
    });
    return this.get(actor, id);
  }

  /** The assignment as its assessor (or an officer) sees it: title, call, members; content only through the gated reads. */
  async get(actor: Actor, id: string): Promise<AssignmentView> {
    const m = this.dataSource.manager;
    const row = await this.load(m, actor, id, 'see');
    const criteria = await this.criteria(m, row.a.callId, row.a.callVersion);
    const cv = (await callVersionTitle(m, row.a.callId, row.a.callVersion))!;
    const a = row.a;
    return {
      ...summary(row),
      call: { id: a.callId, version: a.callVersion, title: cv.title },
      consortium: {
        name: row.content.consortium.name,
        members: row.content.consortium.members.map((x) => ({
          name: x.name,
          kind: x.kind,
          municipalityNumber: x.municipalityNumber,
          lead: x.lead,
        })),
      },
      declaration: a.declaredAt
        ? { conflict: !!a.conflict, description: a.conflictDescription, declaredAt: a.declaredAt.toISOString() }
        : null,
      recommendation: a.recommendation ? { recommendation: a.recommendation, comment: a.recommendationComment } : null,
      mayRead: a.status === 'DECLARED' || a.status === 'COMPLETED',
      criteria: criteria.map((c) => ({
        code: c.code,
        name: c.name,
        description: c.description,
        weight: c.weight,
        scaleMin: c.scaleMin,
        scaleMax: c.scaleMax,
        naAllowed: c.naAllowed,
      })),
    };
  }

  /** The submitted version this assignment assesses: only for its assessor, only after declaring no conflict. */
  async application(actor: Actor, id: string) {
    const { a } = await this.declared(actor, id);
    return this.versionOf(a.applicationId, a.applicationVersion);
  }

  async versions(actor: Actor, id: string, q: PageQuery) {
    const { a } = await this.declared(actor, id);
    const rows = await this.dataSource.getRepository(ApplicationVersion).find({
      select: { version: true, callVersion: true, submittedAt: true, contentSha256: true },
      where: { applicationId: a.applicationId },
      order: { version: 'ASC' },
    });
    return pageInMemory(
      rows.map((v) => ({
        version: v.version,
        callVersion: v.callVersion,
        submittedAt: v.submittedAt.toISOString(),
        contentSha256: v.contentSha256,
      })),
      q,
      (v) => [v.version],
    );
  }

  async version(actor: Actor, id: string, version: number) {
    const { a } = await this.declared(actor, id);
    return this.versionOf(a.applicationId, version);
  }

  private async versionOf(applicationId: string, version: number) {
    const v = await this.dataSource.getRepository(ApplicationVersion).findOneBy({ applicationId, version });
    if (!v) throw DomainError.notFound('Version', version);
    return {
      applicationId,
      version: v.version,
      callVersion: v.callVersion,
      submittedAt: v.submittedAt.toISOString(),
      contentSha256: v.contentSha256,
      content: v.content,
    };
  }

  /** An attachment of a submitted version of the application; only after declaring no conflict. */
  async attachment(actor: Actor, id: string, attachmentId: string): Promise<{ attachment: Attachment; stream: Readable }> {
    const { a } = await this.declared(actor, id);
    const att = isUuid(attachmentId)
      ? await this.dataSource.getRepository(Attachment).findOneBy({ id: attachmentId, applicationId: a.applicationId })
      : null;
    // only what a submission included: a draft's later upload is not part of what is assessed
    if (!att || att.firstSubmittedVersion === null) throw DomainError.notFound('Attachment', attachmentId);
    return { attachment: att, stream: this.storage.read(att.storageKey) };
  }

  // ---------------------------------------------------------------- scores

  async scores(
    actor: Actor,
    id: string,
  ): Promise<{ assignmentId: string; status: string; scores: ScoreView[]; weightedScore: number | null }> {
    const { a } = await this.declared(actor, id);
    return this.scoreView(this.dataSource.manager, a);
  }

  async saveScores(actor: Actor, id: string, dto: ScoresDto) {
    return this.dataSource.transaction(async (m) => {
      const a = await this.lockAssignment(m, actor, id, 'own');
      this.assertMayScore(a);
      const criteria = await this.criteria(m, a.callId, a.callVersion);
      const problems = scoreProblems(criteria, dto.scores, 'scores');
      if (problems.length) throw DomainError.validation(problems, 'Some scores cannot be saved.');
      const now = this.clock.now();
      for (const s of dto.scores) {
        const c = criteria.find((x) => x.code === s.criterion)!;
        const na = s.notApplicable === true;
        await upsertScore(m, {
          assignmentId: a.id,
          criterionId: c.id,
          callId: a.callId,
          callVersion: a.callVersion,
          scaleMin: c.scaleMin,
          scaleMax: c.scaleMax,
          naAllowed: c.naAllowed,
          score: na ? null : (s.score ?? null),
          notApplicable: na,
          rationale: s.rationale?.trim() || null,
          updatedAt: now,
        });
      }
      await touchAssignment(m, a.id, now);
      return this.scoreView(m, a);
    });
  }

  async complete(actor: Actor, id: string, dto: CompleteDto): Promise<AssignmentView> {
    await this.dataSource.transaction(async (m) => {
      const a = await this.lockAssignment(m, actor, id, 'own');
      this.assertMayScore(a);
      const criteria = await this.criteria(m, a.callId, a.callVersion);
      const given = await m.getRepository(Score).findBy({ assignmentId: a.id });
      const missing = criteria.filter((c) => !given.some((g) => g.criterionId === c.id));
      if (missing.length) {
        throw DomainError.unprocessable(
          E.CRITERIA_UNANSWERED,
          'Every criterion needs a score (or N/A where allowed) before the assessment is completed.',
          missing.map((c) => ({
            field: `scores.${c.code}`,
            code: E.CRITERIA_UNANSWERED,
            message: `${c.code} (${c.name}) is not answered`,
          })),
        );
      }
      const now = this.clock.now();
      await this.workflow.transition(m, AssignmentWorkflow, a.id, 'complete', actor, {
        set: {
          completed_at: now.toISOString(),
          recommendation: dto.recommendation,
          recommendation_comment: dto.comment,
          updated_at: now.toISOString(),
        },
        details: { before: {}, after: { recommendation: dto.recommendation, applicationVersion: a.applicationVersion } },
      });
      const app = await m.getRepository(Application).findOneByOrFail({ id: a.applicationId });
      await this.journal.record(m, app.caseNumber!, {
        direction: 'N',
        documentType: 'FAGLIG_VURDERING',
        title: `Faglig vurdering fullført${a.round > 1 ? ` (runde ${a.round})` : ''}`,
        applicationVersion: a.applicationVersion,
        actor,
        at: now,
      });
      await this.settle(m, actor, a.applicationId);
    });
    return this.get(actor, id);
  }

  /** An officer reopens a completed assessment: what it said is kept as a round of its history; the assessor rescores. */
  async reopen(actor: Actor, id: string, dto: ReasonDto): Promise<AssignmentView> {
    await this.dataSource.transaction(async (m) => {
      const a = await this.lockAssignment(m, actor, id, 'manage');
      if (a.status !== 'COMPLETED') {
        // the transition states why; nothing is snapshotted for an assessment that is not complete
        await this.workflow.transition(m, AssignmentWorkflow, a.id, 'reopen', actor, { reason: dto.reason });
      }
      const view = await this.scoreView(m, a);
      const now = this.clock.now();
      await m.getRepository(AssessmentRound).insert({
        assignmentId: a.id,
        round: a.round,
        scores: view.scores.map((s) => ({ code: s.criterion, score: s.score, rationale: s.rationale })),
        weightedScore: view.weightedScore === null ? null : view.weightedScore.toFixed(4),
        recommendation: a.recommendation!,
        recommendationComment: a.recommendationComment,
        completedAt: a.completedAt!,
        reopenedAt: now,
        reopenedBy: actor.userId,
        reason: dto.reason,
      });
      await this.workflow.transition(m, AssignmentWorkflow, a.id, 'reopen', actor, {
        reason: dto.reason,
        set: { completed_at: null, recommendation: null, recommendation_comment: null, round: a.round + 1, updated_at: now.toISOString() },
      });
      const app = await m.getRepository(Application).findOneByOrFail({ id: a.applicationId });
      await this.journal.record(m, app.caseNumber!, {
        direction: 'N',
        documentType: 'FAGLIG_VURDERING',
        title: `Faglig vurdering gjenåpnet: ${dto.reason}`.slice(0, 500),
        applicationVersion: a.applicationVersion,
        actor,
        at: now,
      });
      await this.settle(m, actor, a.applicationId);
    });
    return this.get(actor, id);
  }

  async history(actor: Actor, id: string) {
    const row = await this.load(this.dataSource.manager, actor, id, 'see');
    const rounds = await this.dataSource
      .getRepository(AssessmentRound)
      .find({ where: { assignmentId: row.a.id }, order: { round: 'ASC' } });
    return {
      assignmentId: row.a.id,
      currentRound: row.a.round,
      rounds: rounds.map((r) => ({
        round: r.round,
        scores: r.scores,
        weightedScore: r.weightedScore === null ? null : Number(r.weightedScore),
        recommendation: r.recommendation,
        recommendationComment: r.recommendationComment,
        completedAt: r.completedAt.toISOString(),
        reopenedAt: r.reopenedAt.toISOString(),
        reopenedBy: r.reopenedBy,
        reason: r.reason,
      })),
    };
  }

  /** The other assessors' completed scores: only once this assessor has completed its own. */
  async peerScores(actor: Actor, id: string) {
    const { a } = await this.declared(actor, id);
    if (a.status !== 'COMPLETED')
      throw DomainError.forbidden(
        'Complete your own assessment before you read the other assessors’ scores.',
        E.OWN_ASSESSMENT_NOT_COMPLETED,
      );
    const others = await this.dataSource.getRepository(Assignment).find({
      where: { applicationId: a.applicationId, status: 'COMPLETED' },
      order: { completedAt: 'ASC', id: 'ASC' },
    });
    const items = [];
    for (const o of others.filter((x) => x.id !== a.id)) {
      const v = await this.scoreView(this.dataSource.manager, o);
      items.push({ assignmentId: o.id, recommendation: o.recommendation, scores: v.scores, weightedScore: v.weightedScore });
    }
    return { applicationId: a.applicationId, items };
  }

  // ---------------------------------------------------------------- lists

  async mine(actor: Actor, q: AssignmentQuery): Promise<Page<AssignmentSummary>> {
    const rows = await this.summaries(`a.assessor_user_id = $1`, [actor.userId], q.status);
    return pageInMemory(rows, q, (r) => [r.dueAt, r.id]);
  }

  async ofCall(callId: string, q: AssignmentQuery): Promise<Page<AssignmentSummary>> {
    if (!isUuid(callId) || !(await callExists(this.dataSource.manager, callId))) throw DomainError.notFound('Call', callId);
    const rows = await this.summaries(`a.call_id = $1`, [callId], q.status);
    return pageInMemory(rows, q, (r) => [r.caseNumber, r.assignedAt, r.id]);
  }

  async ofApplication(applicationId: string, q: AssignmentQuery): Promise<Page<AssignmentSummary>> {
    if (!isUuid(applicationId) || !(await submittedApplicationExists(this.dataSource.manager, applicationId)))
      throw DomainError.notFound('Application', applicationId);
    const rows = await this.summaries(`a.application_id = $1`, [applicationId], q.status);
    return pageInMemory(rows, q, (r) => [r.assignedAt, r.id]);
  }

  private async summaries(where: string, params: unknown[], status?: string): Promise<AssignmentSummary[]> {
    const rows = await this.rows(`${where}${status ? ` AND a.status = $${params.length + 1}` : ''}`, status ? [...params, status] : params);
    return rows.map(summary);
  }

  // ---------------------------------------------------------------- aggregate and settling

  /** The criteria of a call version, in their order. */
  async criteria(m: EntityManager, callId: string, callVersion: number): Promise<CallCriterion[]> {
    return m.getRepository(CallCriterion).find({ where: { callId, callVersion }, order: { position: 'ASC' } });
  }

  async rulesOf(m: EntityManager, callId: string, callVersion: number): Promise<AssessmentRules> {
    const v = await m.getRepository(CallVersion).findOneByOrFail({ callId, version: callVersion });
    return assessmentRulesOf(v.content.rules as CallRules);
  }

  /**
   * Everything the scoring maths needs of one application: the criteria of the version assessed, its completed
   * assessments' scores, the moderation if any, and the aggregate.
   */
  async aggregateOf(m: EntityManager, applicationId: string) {
    const live = await m.getRepository(Assignment).find({
      where: { applicationId, status: In([...LIVE_ASSIGNMENT_STATES]) },
      order: { assignedAt: 'ASC', id: 'ASC' },
    });
    const completed = live.filter((a) => a.status === 'COMPLETED');
    const moderation = await m.getRepository(Moderation).findOneBy({ applicationId });
    const basis = moderation ?? completed[0] ?? live[0];
    if (!basis) return null;
    const criteria = await this.criteria(m, basis.callId, basis.callVersion);
    const rules = await this.rulesOf(m, basis.callId, basis.callVersion);
    const byCode = (rows: Array<{ criterionId: string; score: number | null }>): CriterionScores =>
      Object.fromEntries(criteria.map((c) => [c.code, rows.find((r) => r.criterionId === c.id)?.score ?? null]));
    const completedScores: CriterionScores[] = [];
    for (const a of completed) completedScores.push(byCode(await m.getRepository(Score).findBy({ assignmentId: a.id })));
    const moderated = moderation ? byCode(await m.getRepository(ModeratedScore).findBy({ applicationId })) : null;
    const agg: ApplicationAggregate = aggregate(criteria, completedScores, rules, moderated);
    return { live, completed, criteria, rules, moderation, aggregate: agg };
  }

  /**
   * After any change to an application's assessments: ASSESSED when it has live assignments, all complete, and a
   * flagged disagreement moderated; back to IN_ASSESSMENT when that no longer holds.
   */
  async settle(m: EntityManager, actor: Actor, applicationId: string): Promise<void> {
    const app = await m.getRepository(Application).findOneByOrFail({ id: applicationId });
    if (app.status !== 'IN_ASSESSMENT' && app.status !== 'ASSESSED') return;
    const x = await this.aggregateOf(m, applicationId);
    const done =
      !!x && x.live.length > 0 && x.live.every((a) => a.status === 'COMPLETED') && (!x.aggregate.needsModeration || !!x.moderation);
    const at = this.clock.now().toISOString();
    if (done && app.status === 'IN_ASSESSMENT')
      await this.workflow.transition(m, ApplicationWorkflow, applicationId, 'finish_assessment', actor, { set: { updated_at: at } });
    if (!done && app.status === 'ASSESSED')
      await this.workflow.transition(m, ApplicationWorkflow, applicationId, 'resume_assessment', actor, { set: { updated_at: at } });
  }

  // ---------------------------------------------------------------- helpers

  private async scoreView(m: EntityManager, a: Assignment) {
    const criteria = await this.criteria(m, a.callId, a.callVersion);
    const rows = await m.getRepository(Score).findBy({ assignmentId: a.id });
    const scores = criteria
      .map((c) => ({ c, r: rows.find((r) => r.criterionId === c.id) }))
      .filter(({ r }) => !!r)
      .map(({ c, r }) => ({ criterion: c.code, score: r!.score, notApplicable: r!.notApplicable, rationale: r!.rationale }));
    const complete = scores.length === criteria.length;
    const ws = complete ? weightedScore(criteria, Object.fromEntries(scores.map((s) => [s.criterion, s.score]))) : null;
    return { assignmentId: a.id, status: a.status, scores, weightedScore: ws === null ? null : round2(ws) };
  }

  private assertMayScore(a: Assignment) {
    if (a.status === 'ASSIGNED') throw notDeclared();
    if (a.status !== 'DECLARED')
      throw DomainError.conflict(E.ASSESSMENT_LOCKED, `The assessment is ${a.status.toLowerCase()}; its scores can no longer change.`, {
        assignmentStatus: a.status,
      });
  }

  /** The actor's own assignment after a no-conflict declaration; 403 before (the gate), 404 for anyone else's. */
  private async declared(actor: Actor, id: string): Promise<AssignmentRow> {
    const row = await this.load(this.dataSource.manager, actor, id, 'own');
    if (row.a.status !== 'DECLARED' && row.a.status !== 'COMPLETED') throw notDeclared(row.a.status);
    return row;
  }

  /** 'own': only the assessor's own; 'manage': officers; 'see': either. Anything else is 404. */
  private async load(m: EntityManager, actor: Actor, id: string, access: 'own' | 'manage' | 'see'): Promise<AssignmentRow> {
    if (!isUuid(id)) throw DomainError.notFound('Assignment', id);
    const [row] = await this.rows(`a.id = $1`, [id], m);
    const manages = permissionsOf(actor.roles).has('assessments:manage');
    const own = row?.a.assessorUserId === actor.userId;
    if (!row || !(access === 'own' ? own : access === 'manage' ? manages : own || manages)) throw DomainError.notFound('Assignment', id);
    return row;
  }

  private async lockAssignment(m: EntityManager, actor: Actor, id: string, access: 'own' | 'manage'): Promise<Assignment> {
    await this.load(m, actor, id, access);
    const applicationId = (await applicationOfAssignment(m, id))!;
    // the application first, then the assignment: the order assign() and settle() take them in
    await lockApplication(m, applicationId);
    return (await m.getRepository(Assignment).createQueryBuilder('a').where('a.id = :id', { id }).setLock('pessimistic_write').getOne())!;
  }

  private async rows(where: string, params: unknown[], m: EntityManager = this.dataSource.manager): Promise<AssignmentRow[]> {
    const ids = await assignmentKeys(m, where, params);
    if (!ids.length) return [];
    const found = await m.getRepository(Assignment).findBy({ id: In(ids.map((r) => r.id)) });
    return ids.map((r) => ({
      a: found.find((x) => x.id === r.id)!,
      caseNumber: r.case_number,
      assessorName: r.display_name,
      content: r.content,
    }));
  }

  private async lockAssessable(m: EntityManager, applicationId: string): Promise<Application> {
    const app = isUuid(applicationId)
      ? await m
          .getRepository(Application)
          .createQueryBuilder('a')
          .where('a.id = :id', { id: applicationId })
          .setLock('pessimistic_write')
          .getOne()
      : null;
    if (!app || !app.caseNumber) throw DomainError.notFound('Application', applicationId);
    if (!ASSESSABLE_STATES.includes(app.status)) {
      throw DomainError.conflict(
        E.APPLICATION_NOT_ASSESSABLE,
        `Application ${app.caseNumber} is ${app.status.toLowerCase()}; assessors are assigned to applications found eligible at the formal check.`,
        { applicationStatus: app.status },
      );
    }
    return app;
  }

  private async assessorUser(m: EntityManager, id: string, field: string): Promise<{ id: string; name: string }> {
    const u = isUuid(id) ? await assessorUserRow(m, id) : undefined;
    if (!u || !u.active || !u.roles.some((r) => r === 'assessor' || r === 'officer')) {
      throw DomainError.validation([{ field, code: E.NOT_AN_ASSESSOR, message: `${id} is not an active assessor or officer` }]);
    }
    return { id: u.id, name: u.display_name };
  }

  private dueAt(given: string | undefined, rules: AssessmentRules): Date {
    const now = this.clock.now();
    if (!given) return new Date(now.getTime() + rules.assessmentDays * DAY_MS);
    const d = new Date(given);
    if (Number.isNaN(d.getTime()) || d.getTime() <= now.getTime()) {
      throw DomainError.validation([{ field: 'dueAt', code: E.DEADLINE_PASSED, message: 'the assessment deadline must be in the future' }]);
    }
    return d;
  }
}

function summary(r: AssignmentRow): AssignmentSummary {
  const a = r.a;
  return {
    id: a.id,
    status: a.status,
    applicationId: a.applicationId,
    caseNumber: r.caseNumber,
    title: r.content.title,
    callId: a.callId,
    assessor: { id: a.assessorUserId, name: r.assessorName },
    applicationVersion: a.applicationVersion,
    dueAt: a.dueAt.toISOString(),
    assignedAt: a.assignedAt.toISOString(),
    declaredAt: a.declaredAt?.toISOString() ?? null,
    completedAt: a.completedAt?.toISOString() ?? null,
    round: a.round,
  };
}

function notDeclared(status: string = 'ASSIGNED'): DomainError {
  return status === 'ASSIGNED'
    ? DomainError.forbidden('Declare whether you have a conflict of interest before you read or score the application.', E.NOT_DECLARED)
    : DomainError.forbidden(`The assignment is ${status.toLowerCase()}: the application is no longer yours to read.`, E.NOT_DECLARED);
}

const KIND_WORDS: Record<string, string> = {
  EMPLOYED: 'employed by',
  BOARD_MEMBER: 'on the board of',
  OWNER: 'an owner of',
  ADVISER: 'an adviser to',
  FAMILY: 'close family of someone in charge at',
  OTHER: 'otherwise tied to',
};

function tieSentence(name: string, ties: BlockingTie[]): string {
  return `${name} is ${ties.map((t) => `${KIND_WORDS[t.kind] ?? 'tied to'} ${t.organisationName}`).join(' and ')}, a member of the consortium`;
}

function tiedProblem(name: string, caseNumber: string, ties: BlockingTie[]): DomainError {
  return DomainError.conflict(
    E.ASSESSOR_TIED,
    `${tieSentence(name, ties)} of application ${caseNumber}: disqualified (forvaltningsloven § 6).`,
    { ties },
  );
}

/** Problems of a list of answers against the criteria, by field. */
export function scoreProblems(criteria: CallCriterion[], scores: ScoreDto[], prefix: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  scores.forEach((s, i) => {
    const field = `${prefix}[${i}]`;
    const c = criteria.find((x) => x.code === s.criterion);
    if (!c) {
      problems.push({
        field: `${field}.criterion`,
        code: E.UNKNOWN_CRITERION,
        message: `${s.criterion} is not a criterion of this call (${criteria.map((x) => x.code).join(', ')})`,
      });
      return;
    }
    if (seen.has(c.code))
      problems.push({ field: `${field}.criterion`, code: E.DUPLICATE_CRITERION, message: `${c.code} is answered twice` });
    seen.add(c.code);
    if (s.notApplicable === true && s.score !== undefined && s.score !== null) {
      problems.push({ field: `${field}.score`, code: E.SCORE_OUT_OF_SCALE, message: `${c.code}: give a score or mark it N/A, not both` });
      return;
    }
    const p = checkScore(c, s.notApplicable === true ? null : (s.score ?? null), s.rationale);
    if (p)
      problems.push({ field: p.code === E.RATIONALE_REQUIRED ? `${field}.rationale` : `${field}.score`, code: p.code, message: p.message });
  });
  return problems;
}
