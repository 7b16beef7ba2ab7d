import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { canonicalJson } from '../audit/canonical-json';
import { WorkflowEngine } from '../workflow/workflow';
import { decodeCursor, Page, pageLimit, toPage } from '../common/pagination';
import { SqlFilter } from '../common/sql-filter';
import { DomainError, FieldProblem } from '../common/problem';
import { CallContent } from './call-content';
import { CallPolicy } from './call.policy';
import { CallRules, checkCallContent, demoRules, NEVER_ELIGIBLE, withNeverEligible } from './call-rules';
import { CallState, CallWorkflow } from './call.workflow';
import { CallErrors as E } from './calls.errors';
import { Clock } from '../common/clock';
import { CallQuery, CloseCallDto, CreateCallDto, ReopenCallDto, UpdateCallDto } from './dto/calls.dto';
import { Call } from './entities/call.entity';
import { costCategoriesByCode, storeCallVersion } from './cost-categories.queries';
import { callPage, lockDueCalls } from './calls.queries';
import { Measure, TechnologyArea } from './entities/scheme.entity';
import { formatOsloIso, parseOsloDateTime } from '../common/oslo-time';
import { isUuid } from '../common/uuid';
import { Actor } from '../common/actor';

export interface CallView extends CallContent {
  id: string;
  status: string;
  version: number;
  opensAtOslo: string;
  closesAtOslo: string;
  /** Published, opened and not yet closed: applications may be submitted now. */
  openForApplications: boolean;
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export function callContent(c: Call): CallContent {
  return {
    measureCode: c.measureCode,
    technologyArea: c.technologyArea,
    title: { nb: c.titleNb, nn: c.titleNn },
    text: { nb: c.textNb, nn: c.textNn },
    budgetOre: c.budgetOre,
    opensAt: c.opensAt.toISOString(),
    closesAt: c.closesAt.toISOString(),
    rules: plainRules(c.rules),
  };
}

/**
 * Asked before a call is archived; returns why it may not be yet, or null. Modules that hold work under a call
 * (applications still in progress) register one, so the call module need not know their tables.
 */
export type ArchiveCheck = (manager: EntityManager, callId: string) => Promise<FieldProblem | null>;

@Injectable()
export class CallsService {
  private readonly archiveChecks: ArchiveCheck[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly workflow: WorkflowEngine,
    private readonly clock: Clock,
    private readonly policy: CallPolicy,
  ) {}

  view(c: Call): CallView {
    const now = this.clock.now().getTime();
    return {
      id: c.id,
      status: c.status,
      version: c.version,
      ...callContent(c),
      opensAtOslo: formatOsloIso(c.opensAt),
      closesAtOslo: formatOsloIso(c.closesAt),
      openForApplications: c.status === 'PUBLISHED' && c.opensAt.getTime() <= now && now <= c.closesAt.getTime(),
      publishedAt: c.publishedAt?.toISOString() ?? null,
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
    };
  }

  /** The call behind an application, without the actor check (the application's own access rule applies). */
  async load(manager: EntityManager, id: string, lock?: 'read' | 'write'): Promise<Call> {
    const c = await this.find(manager, id, lock);
    if (!c) throw DomainError.notFound('Call', id);
    return c;
  }

  async find(manager: EntityManager, id: string, lock?: 'read' | 'write'): Promise<Call | null> {
    if (!isUuid(id)) return null;
    const qb = manager.getRepository(Call).createQueryBuilder('c').where('c.id = :id', { id });
    if (lock) qb.setLock(lock === 'write' ? 'pessimistic_write' : 'pessimistic_read');
    return qb.getOne();
  }

  async get(actor: Actor, id: string): Promise<CallView> {
    await this.policy.assert(this.dataSource.manager, actor, id, 'read');
    let c = await this.load(this.dataSource.manager, id);
    // past its closing time but the closing job has not run (late, or its schedule lost with Redis): close it now
    if (c.status === 'PUBLISHED' && c.closesAt.getTime() < this.clock.now().getTime()) {
      await this.closeDue();
      c = await this.load(this.dataSource.manager, id);
    }
    return this.view(c);
  }

  async list(actor: Actor, q: CallQuery): Promise<Page<CallView>> {
    const limit = pageLimit(q);
    const after = decodeCursor(q.cursor, ['timestamp', 'uuid']);
    const f = new SqlFilter();
    f.where(this.policy.filter(actor, 'read').sql('c', (v) => f.bind(v)));
    if (q.status) f.where(`c.status = ${f.bind(q.status)}`);
    if (q.measure) f.where(`c.measure_code = ${f.bind(q.measure)}`);
    if (after) f.where(`(c.created_at, c.id) > (${f.bind(String(after[0]))}::timestamptz, ${f.bind(String(after[1]))}::uuid)`);
    const rows = await callPage(this.dataSource.manager, f, limit + 1);
    const calls = await this.dataSource.getRepository(Call).findBy({ id: In(rows.map((r) => r.id)) });
    const views = rows.map((r) => this.view(calls.find((c) => c.id === r.id)!));
    const keys = new Map(rows.map((r) => [r.id, r.k]));
    return toPage(views, limit, (v) => [keys.get(v.id), v.id]);
  }

  async create(actor: Actor, dto: CreateCallDto): Promise<CallView> {
    return this.dataSource.transaction(async (m) => {
      const measure = await m.getRepository(Measure).findOneBy({ code: dto.measureCode });
      if (!measure)
        throw DomainError.validation([
          { field: 'measureCode', code: E.UNKNOWN_MEASURE, message: `${dto.measureCode} is not a measure of the scheme` },
        ]);
      if (measure.allocation !== 'COMPETITIVE') {
        throw DomainError.validation([
          {
            field: 'measureCode',
            code: E.MEASURE_TAKES_NO_APPLICATIONS,
            message: `${measure.code} is not given through calls (${measure.allocation.toLowerCase()}); only SAMORDNET_ANSKAFFELSE and INNFORING take applications`,
          },
        ]);
      }
      const content = await this.resolveContent(m, {
        technologyArea: dto.technologyArea ?? 'JOURNAL',
        title: dto.title,
        text: dto.text,
        budgetOre: dto.budgetOre,
        opensAt: dto.opensAt,
        closesAt: dto.closesAt,
        rules: (dto.rules as CallRules | undefined) ?? demoRules(measure.code),
      });
      const repo = m.getRepository(Call);
      const saved = await repo.save(
        repo.create({ ...toColumns(content), measureCode: measure.code, status: 'DRAFT', version: 1, createdBy: actor.userId }),
      );
      const c = await this.load(m, saved.id);
      await this.audit.record(m, { action: 'call.created', entityType: 'call', entityId: c.id, before: null, after: callContent(c) });
      return this.view(c);
    });
  }

  /** A draft changes in place; a published call's content is frozen, so a change makes the next version. */
  async update(actor: Actor, id: string, dto: UpdateCallDto): Promise<CallView> {
    return this.dataSource.transaction(async (m) => {
      const c = await this.load(m, id, 'write');
      if (c.status !== 'DRAFT' && c.status !== 'PUBLISHED') {
        throw DomainError.conflict(E.CALL_NOT_EDITABLE, `A ${c.status.toLowerCase()} call can no longer be changed.`);
      }
      if (c.status === 'PUBLISHED' && !dto.changeReason) {
        throw DomainError.validation([
          {
            field: 'changeReason',
            code: E.CHANGE_REASON_REQUIRED,
            message: 'the call is published: say why it changes (the change makes a new version)',
          },
        ]);
      }
      const before = callContent(c);
      const content = await this.resolveContent(m, {
        technologyArea: dto.technologyArea ?? before.technologyArea,
        title: dto.title ?? before.title,
        text: dto.text ?? before.text,
        budgetOre: dto.budgetOre ?? before.budgetOre,
        opensAt: dto.opensAt ?? before.opensAt,
        closesAt: dto.closesAt ?? before.closesAt,
        rules: (dto.rules as CallRules | undefined) ?? before.rules,
      });
      const after = { ...content, measureCode: c.measureCode };
      if (canonicalJson(after) === canonicalJson(before)) return this.view(c);
      const published = c.status === 'PUBLISHED';
      const version = published ? c.version + 1 : c.version;
      await m.getRepository(Call).update({ id }, { ...toColumns(content), version });
      if (published) {
        await storeCallVersion(m, { callId: id, version, content: after, reason: dto.changeReason!, createdBy: actor.userId });
      }
      await this.audit.record(m, {
        action: published ? 'call.revised' : 'call.updated',
        entityType: 'call',
        entityId: id,
        before: { ...before, version: c.version },
        after: { ...after, version, ...(published ? { changeReason: dto.changeReason } : {}) },
      });
      return this.view(await this.load(m, id));
    });
  }

  async publish(actor: Actor, id: string): Promise<CallView> {
    return this.dataSource.transaction(async (m) => {
      const c = await this.load(m, id, 'write');
      const problems = checkCallContent({ opensAt: c.opensAt, closesAt: c.closesAt, rules: c.rules });
      if (problems.length) throw DomainError.unprocessable(E.INVALID_CALL, 'The call cannot be published as it is.', problems);
      if (c.status === 'DRAFT' && c.closesAt.getTime() <= this.clock.now().getTime()) {
        throw DomainError.unprocessable(E.CLOSING_TIME_PASSED, 'The closing time has passed; set a later closing time before publishing.', [
          { field: 'closesAt', code: E.CLOSING_TIME_PASSED, message: 'the closing time has passed' },
        ]);
      }
      const now = this.clock.now();
      await this.workflow.transition(m, CallWorkflow, id, 'publish', actor, { at: now, set: { published_at: now.toISOString() } });
      await storeCallVersion(m, { callId: id, version: c.version, content: callContent(c), createdBy: actor.userId });
      return this.view(await this.load(m, id));
    });
  }

  async close(actor: Actor, id: string, dto: CloseCallDto): Promise<CallView> {
    return this.dataSource.transaction(async (m) => {
      const c = await this.load(m, id, 'write');
      if (c.status === 'PUBLISHED' && this.clock.now().getTime() < c.closesAt.getTime() && !dto.reason) {
        throw DomainError.validation([
          { field: 'reason', code: E.CLOSE_REASON_REQUIRED, message: 'the closing time has not passed yet: say why the call closes early' },
        ]);
      }
      await this.workflow.transition(m, CallWorkflow, id, 'close', actor, { reason: dto.reason });
      return this.view(await this.load(m, id));
    });
  }

  /**
   * Closes every published call whose closing time has passed (submissions are refused from that moment anyway;
   * this makes the status say so). Run by a repeatable job; SKIP LOCKED lets two workers share a run, each call
   * closed once, as 'system' in the audit trail.
   */
  async closeDue(now = this.clock.now()): Promise<string[]> {
    return this.dataSource.transaction(async (m) => {
      const due = await lockDueCalls(m, now);
      for (const id of due) {
        await this.workflow.transition(m, CallWorkflow, id, 'close', 'system', {
          reason: 'the closing time has passed',
          at: now,
        });
      }
      return due;
    });
  }

  /**
   * Opens a closed call again with a later closing time: a new version (with the reason) whose rules are otherwise
   * the same, and the transition back to published. Drafts can then be submitted until the new closing time.
   */
  async reopen(actor: Actor, id: string, dto: ReopenCallDto): Promise<CallView> {
    const now = this.clock.now();
    const parsed = parseOsloDateTime(dto.closesAt);
    if (!parsed.ok) throw DomainError.validation([{ field: 'closesAt', code: parsed.code, message: parsed.message }]);
    if (parsed.instant.getTime() <= now.getTime()) {
      throw DomainError.validation([
        { field: 'closesAt', code: E.CLOSING_TIME_PASSED, message: 'the new closing time must be in the future' },
      ]);
    }
    return this.dataSource.transaction(async (m) => {
      const c = await this.load(m, id, 'write');
      const before = callContent(c);
      // the state first: a call that is not closed is refused before anything changes
      await this.workflow.transition(m, CallWorkflow, id, 'reopen', actor, {
        reason: dto.reason,
        at: now,
        set: { closes_at: parsed.instant.toISOString(), version: c.version + 1 },
        details: {
          before: { closesAt: before.closesAt, version: c.version },
          after: { closesAt: parsed.instant.toISOString(), version: c.version + 1 },
        },
      });
      const after = await this.load(m, id);
      await storeCallVersion(m, {
        callId: id,
        version: after.version,
        content: callContent(after),
        reason: dto.reason,
        createdBy: actor.userId,
      });
      return this.view(after);
    });
  }

  registerArchiveCheck(check: ArchiveCheck): void {
    this.archiveChecks.push(check);
  }

  /** Archives a closed or decided call once nothing under it is still in progress. */
  async archive(actor: Actor, id: string): Promise<CallView> {
    return this.dataSource.transaction(async (m) => {
      const c = await this.load(m, id, 'write');
      const problems: FieldProblem[] = [];
      // a call that cannot be archived in its state is told so by the transition, before any case is looked at
      const checks = CallWorkflow.transitions.archive.from.includes(c.status as CallState) ? this.archiveChecks : [];
      for (const check of checks) {
        const p = await check(m, id);
        if (p) problems.push(p);
      }
      if (problems.length)
        throw new DomainError(409, E.CALL_HAS_OPEN_CASES, 'The call cannot be archived while cases under it are in progress.', problems);
      await this.workflow.transition(m, CallWorkflow, id, 'archive', actor);
      return this.view(await this.load(m, id));
    });
  }

  /**
   * A call funds and excludes categories of the scheme's catalogue (cost_category), which budget lines reference by
   * foreign key: an unknown code is refused here, and one the catalogue never funds cannot be listed as eligible.
   */
  private async costCategoryProblems(m: EntityManager, rules: CallRules): Promise<FieldProblem[]> {
    const { eligible, ineligible } = rules.costCategories;
    const known = await costCategoriesByCode(
      m,
      [...eligible, ...ineligible].map((c) => c.code),
    );
    const problems: FieldProblem[] = [];
    const check = (list: 'eligible' | 'ineligible', code: string, i: number) => {
      const row = known.find((k) => k.code === code);
      const field = `rules.costCategories.${list}[${i}].code`;
      if (!row) {
        problems.push({
          field,
          code: E.UNKNOWN_COST_CATEGORY,
          message: `${code} is not a cost category of the scheme; a new category is added to the catalogue (cost_category) first`,
        });
      } else if (list === 'eligible' && !row.eligible && !NEVER_ELIGIBLE.some((n) => n.code === code)) {
        // the scheme-wide list is already reported by checkCallContent
        problems.push({ field, code: E.NEVER_ELIGIBLE, message: `${code} cannot be eligible: ${row.reason}` });
      }
    };
    eligible.forEach((c, i) => check('eligible', c.code, i));
    ineligible.forEach((c, i) => check('ineligible', c.code, i));
    return problems;
  }

  /** Parses the window in Oslo time, checks the technology area and the rules' consistency; every problem at once. */
  private async resolveContent(
    m: EntityManager,
    input: {
      technologyArea: string;
      title: CallContent['title'];
      text: CallContent['text'];
      budgetOre: number;
      opensAt: string;
      closesAt: string;
      rules: CallRules;
    },
  ): Promise<Omit<CallContent, 'measureCode'>> {
    const problems: FieldProblem[] = [];
    const time = (field: 'opensAt' | 'closesAt') => {
      const r = parseOsloDateTime(input[field]);
      if (r.ok) return r.instant;
      problems.push({ field, code: r.code, message: r.message });
      return undefined;
    };
    const opensAt = time('opensAt');
    const closesAt = time('closesAt');
    if (!(await m.getRepository(TechnologyArea).existsBy({ code: input.technologyArea }))) {
      problems.push({
        field: 'technologyArea',
        code: E.UNKNOWN_TECHNOLOGY_AREA,
        message: `${input.technologyArea} is not a known technology area`,
      });
    }
    const rules = withNeverEligible(input.rules);
    if (opensAt && closesAt) problems.push(...checkCallContent({ opensAt, closesAt, rules }));
    problems.push(...(await this.costCategoryProblems(m, rules)));
    if (problems.length) throw DomainError.validation(problems, 'The call has invalid fields.');
    return {
      technologyArea: input.technologyArea,
      title: { nb: input.title.nb, nn: input.title.nn },
      text: { nb: input.text.nb, nn: input.text.nn },
      budgetOre: input.budgetOre,
      opensAt: opensAt!.toISOString(),
      closesAt: closesAt!.toISOString(),
      rules: plainRules(rules),
    };
  }
}

function toColumns(c: Omit<CallContent, 'measureCode'>): Partial<Call> {
  return {
    technologyArea: c.technologyArea,
    titleNb: c.title.nb,
    titleNn: c.title.nn,
    textNb: c.text.nb,
    textNn: c.text.nn,
    budgetOre: c.budgetOre,
    opensAt: new Date(c.opensAt),
    closesAt: new Date(c.closesAt),
    rules: c.rules,
  };
}

/** DTO class instances → plain data (jsonb keeps no class, and the audit diff compares plain values). */
function plainRules(r: CallRules): CallRules {
  return {
    minMembers: r.minMembers,
    oneApplicationPerMunicipality: r.oneApplicationPerMunicipality,
    excludedHealthRegions: [...r.excludedHealthRegions],
    maxGrantShareBp: r.maxGrantShareBp,
    grantShareByYear: r.grantShareByYear.map((y) => ({ year: y.year, maxShareBp: y.maxShareBp })),
    requiredConfirmations: r.requiredConfirmations.map((x) => ({ code: x.code, text: { nb: x.text.nb, nn: x.text.nn } })),
    costCategories: {
      eligible: r.costCategories.eligible.map((x) => ({ code: x.code, label: x.label })),
      ineligible: r.costCategories.ineligible.map((x) => ({ code: x.code, reason: x.reason })),
    },
    criteria: r.criteria.map((x) => ({
      code: x.code,
      name: x.name,
      description: x.description,
      weight: x.weight,
      scaleMin: x.scaleMin,
      scaleMax: x.scaleMax,
      naAllowed: x.naAllowed,
    })),
    reportSchedule: {
      progressReportDue: r.reportSchedule.progressReportDue,
      finalReportMonthsAfterEnd: r.reportSchedule.finalReportMonthsAfterEnd,
    },
    paymentPlan: r.paymentPlan.map((p) => ({ trigger: p.trigger, shareBp: p.shareBp })),
    projectPeriod: {
      earliestStart: r.projectPeriod.earliestStart,
      latestEnd: r.projectPeriod.latestEnd,
      maxMonths: r.projectPeriod.maxMonths,
    },
    ...(r.assessment
      ? {
          assessment: {
            moderationWeightedSpread: r.assessment.moderationWeightedSpread,
            moderationCriterionSpread: r.assessment.moderationCriterionSpread,
            minimumScore: r.assessment.minimumScore,
            partialGrantMinShareBp: r.assessment.partialGrantMinShareBp,
            assessmentDays: r.assessment.assessmentDays,
            reminderDaysBefore: r.assessment.reminderDaysBefore,
          },
        }
      : {}),
    ...(r.decisions
      ? {
          decisions: {
            legalBasis: { nb: r.decisions.legalBasis.nb, nn: r.decisions.legalBasis.nn },
            standardConditions: r.decisions.standardConditions.map((c) => ({ code: c.code, text: { nb: c.text.nb, nn: c.text.nn } })),
            acceptanceWeeks: r.decisions.acceptanceWeeks,
            acceptanceReminderDays: r.decisions.acceptanceReminderDays,
            appealBody: { nb: r.decisions.appealBody.nb, nn: r.decisions.appealBody.nn },
          },
        }
      : {}),
    ...(r.reports
      ? {
          reports: {
            sections: r.reports.sections.map((x) => ({ code: x.code, title: { nb: x.title.nb, nn: x.title.nn }, maxLength: x.maxLength })),
            benefitSummaryMaxLength: r.reports.benefitSummaryMaxLength,
          },
        }
      : {}),
    ...(r.changes
      ? {
          changes: {
            secondApprovalAboveBp: r.changes.secondApprovalAboveBp,
            secondApprovalOnMemberChange: r.changes.secondApprovalOnMemberChange,
          },
        }
      : {}),
  };
}
