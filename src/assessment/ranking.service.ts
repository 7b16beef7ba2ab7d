import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CaseJournal } from '../applications/case-journal.service';
import { eligibleCostsOre } from '../applications/eligibility';
import { Application } from '../applications/entities/application.entity';
import { AuditService } from '../audit/audit.service';
import { maxShareFor } from '../calls/call-rules';
import { Clock } from '../common/clock';
import { pageInMemory, PageQuery } from '../common/pagination';
import { osloYear } from '../common/oslo-time';
import { DomainError, FieldProblem } from '../common/problem';
import { Actor } from '../common/actor';
import { isUuid } from '../common/uuid';
import { adjust, AdjustmentProblem, AllocationLine, proposeAllocation } from './allocation';
import { AssessmentErrors as E } from './assessment.errors';
import {
  callVersionContent,
  latestProposalVersion,
  nextProposalVersion,
  proposalLines,
  rankedApplications,
  rankingCall,
} from './assessment.queries';
import { ASSESSABLE_STATES, AssessmentService, scoreProblems } from './assessment.service';
import { AdjustProposalDto, ModerationDto } from './dto/assessment.dto';
import { AllocationProposal, AllocationProposalLine, ModeratedScore, Moderation, Score } from './entities/assessment.entity';
import { maxAllowedOre, rank, TIE_BREAK } from './ranking';
import { assessmentRulesOf, round2, weightedScore } from './scoring';

type OverBudget = Extract<AdjustmentProblem, { code: typeof E.PROPOSAL_OVER_BUDGET }>;

export interface RankingRow {
  rank: number;
  applicationId: string;
  caseNumber: string;
  title: string;
  status: string;
  /** The score that counts (moderated, else the mean of completed assessments), two decimals. */
  score: number | null;
  meanScore: number | null;
  spread: number | null;
  moderated: boolean;
  heaviestCriterion: { code: string; score: number | null } | null;
  requestedOre: number;
  /** The call's grant share (for the year of first submission) of the eligible costs. */
  maxAllowedOre: number;
  cumulativeRequestedOre: number;
  budgetOre: number;
  withinBudget: boolean;
  assessments: { completed: number; live: number };
  recommendations: Record<string, number>;
  /** Not yet ready for a proposal: an assessment outstanding, or a disagreement not moderated. */
  awaiting: null | 'NO_ASSESSOR' | 'ASSESSMENT' | 'MODERATION';
  submittedAt: string;
}

/** The ranking keeps a decided application in its place: decisions are checked against the rank order. */
const RANKED_STATES = [...ASSESSABLE_STATES, 'DECIDED'];

/** Aggregates, moderation, the call's ranking, and versioned allocation proposals. */
@Injectable()
export class RankingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly assessments: AssessmentService,
    private readonly audit: AuditService,
    private readonly journal: CaseJournal,
    private readonly clock: Clock,
  ) {}

  /** An application's assessments for an officer: each assessor's scores, the means and spreads, the flag, the moderation. */
  async applicationAssessment(applicationId: string) {
    const m = this.dataSource.manager;
    const app = isUuid(applicationId) ? await m.getRepository(Application).findOneBy({ id: applicationId }) : null;
    if (!app || !app.caseNumber) throw DomainError.notFound('Application', applicationId);
    const x = await this.assessments.aggregateOf(m, applicationId);
    if (!x) return { applicationId, caseNumber: app.caseNumber, status: app.status, assessments: [], aggregate: null, moderation: null };
    const assessments = [];
    for (const a of x.live) {
      const rows = await m.getRepository(Score).findBy({ assignmentId: a.id });
      const scores = x.criteria.map((c) => {
        const r = rows.find((s) => s.criterionId === c.id);
        return {
          criterion: c.code,
          score: r?.score ?? null,
          notApplicable: r?.notApplicable ?? false,
          rationale: r?.rationale ?? null,
          answered: !!r,
        };
      });
      assessments.push({
        assignmentId: a.id,
        assessorUserId: a.assessorUserId,
        status: a.status,
        applicationVersion: a.applicationVersion,
        round: a.round,
        recommendation: a.recommendation,
        recommendationComment: a.recommendationComment,
        completedAt: a.completedAt?.toISOString() ?? null,
        scores: a.status === 'COMPLETED' ? scores : scores.filter((s) => s.answered),
        weightedScore:
          a.status === 'COMPLETED'
            ? nullable(round2, weightedScore(x.criteria, Object.fromEntries(scores.map((s) => [s.criterion, s.score]))))
            : null,
      });
    }
    const mod = x.moderation ? await m.getRepository(ModeratedScore).findBy({ applicationId }) : [];
    const g = x.aggregate;
    return {
      applicationId,
      caseNumber: app.caseNumber,
      status: app.status,
      assessments,
      aggregate: {
        completed: g.assessments,
        meanScore: nullable(round2, g.meanScore),
        spread: nullable(round2, g.spread),
        score: nullable(round2, g.score),
        needsModeration: g.needsModeration,
        moderationReasons: g.moderationReasons,
        moderated: g.moderated,
        criteria: g.criteria.map((c) => ({ ...c, mean: nullable(round2, c.mean) })),
        thresholds: { weighted: x.rules.moderationWeightedSpread, criterion: x.rules.moderationCriterionSpread },
      },
      moderation: x.moderation
        ? {
            moderatedBy: x.moderation.moderatedBy,
            moderatedAt: x.moderation.moderatedAt.toISOString(),
            note: x.moderation.note,
            scores: x.criteria.map((c) => {
              const r = mod.find((s) => s.criterionId === c.id)!;
              return { criterion: c.code, score: r.score, notApplicable: r.notApplicable, rationale: r.rationale };
            }),
          }
        : null,
    };
  }

  /** An officer's agreed score per criterion, each with a rationale; it then counts. The assessors' scores stay. */
  async moderate(actor: Actor, applicationId: string, dto: ModerationDto) {
    await this.dataSource.transaction(async (m) => {
      const app = isUuid(applicationId)
        ? await m
            .getRepository(Application)
            .createQueryBuilder('a')
            .where('a.id = :id', { id: applicationId })
            .setLock('pessimistic_write')
            .getOne()
        : null;
      if (!app || !app.caseNumber) throw DomainError.notFound('Application', applicationId);
      const x = await this.assessments.aggregateOf(m, applicationId);
      if (!x || !x.completed.length || !['IN_ASSESSMENT', 'ASSESSED'].includes(app.status)) {
        throw DomainError.conflict(E.NOTHING_TO_MODERATE, `Application ${app.caseNumber} has no completed assessment to moderate.`);
      }
      const basis = x.completed[0];
      const problems: FieldProblem[] = scoreProblems(x.criteria, dto.scores, 'scores');
      dto.scores.forEach((s, i) => {
        if (!s.rationale?.trim() && !problems.some((p) => p.field === `scores[${i}].rationale`))
          problems.push({
            field: `scores[${i}].rationale`,
            code: E.RATIONALE_REQUIRED,
            message: 'every moderated score needs a rationale',
          });
      });
      const missing = x.criteria.filter((c) => !dto.scores.some((s) => s.criterion === c.code));
      missing.forEach((c) =>
        problems.push({ field: `scores.${c.code}`, code: E.CRITERIA_UNANSWERED, message: `${c.code} needs an agreed score` }),
      );
      if (problems.length) throw DomainError.validation(problems, 'The moderation is incomplete or has invalid scores.');
      const before = x.moderation ? await m.getRepository(ModeratedScore).findBy({ applicationId }) : null;
      await m.getRepository(Moderation).delete({ applicationId });
      const now = this.clock.now();
      await m.getRepository(Moderation).insert({
        applicationId,
        callId: basis.callId,
        callVersion: basis.callVersion,
        note: dto.note ?? null,
        moderatedBy: actor.userId,
        moderatedAt: now,
      });
      for (const s of dto.scores) {
        const c = x.criteria.find((k) => k.code === s.criterion)!;
        const na = s.notApplicable === true;
        await m.getRepository(ModeratedScore).insert({
          applicationId,
          criterionId: c.id,
          callId: basis.callId,
          callVersion: basis.callVersion,
          scaleMin: c.scaleMin,
          scaleMax: c.scaleMax,
          naAllowed: c.naAllowed,
          score: na ? null : s.score!,
          notApplicable: na,
          rationale: s.rationale!.trim(),
        });
      }
      await this.audit.record(m, {
        action: 'application.moderated',
        entityType: 'application',
        entityId: applicationId,
        before: before ? { moderated: before.map((r) => ({ criterionId: r.criterionId, score: r.score })) } : null,
        after: {
          moderated: dto.scores.map((s) => ({ criterion: s.criterion, score: s.notApplicable ? null : s.score })),
          note: dto.note ?? null,
        },
      });
      await this.journal.record(m, app.caseNumber, {
        direction: 'N',
        documentType: 'MODERERING',
        title: 'Moderering av faglig vurdering',
        applicationVersion: basis.applicationVersion,
        actor,
        at: now,
      });
      await this.assessments.settle(m, actor, applicationId);
    });
    return this.applicationAssessment(applicationId);
  }

  /** The call's ranking; pass the caller's manager to read it inside its transaction (and its connection). */
  async ranking(callId: string, m: EntityManager = this.dataSource.manager) {
    const call = await this.loadCall(m, callId);
    const rows = await this.rankingRows(m, call);
    // the exact score is for the proposal only; the ranking shows the rounded one
    const items = (rows as Array<RankingRow & { exactScore?: number | null }>).map(({ exactScore: _exact, ...row }) => row);
    return { callId, budgetOre: call.budgetOre, tieBreak: TIE_BREAK, items };
  }

  private async loadCall(m: EntityManager, callId: string, lock = false) {
    const call = isUuid(callId) ? await rankingCall(m, callId, lock) : undefined;
    if (!call || call.status === 'DRAFT') throw DomainError.notFound('Call', callId);
    return { id: String(call.id), budgetOre: call.budgetOre, rules: call.rules };
  }

  private async rankingRows(m: EntityManager, call: { id: string; budgetOre: number }): Promise<RankingRow[]> {
    const apps = await rankedApplications(m, call.id, RANKED_STATES);
    const items = [];
    for (const a of apps) {
      const cv = (await callVersionContent(m, call.id, a.call_version))!;
      const rules = cv.content.rules;
      const x = await this.assessments.aggregateOf(m, a.id);
      const g = x?.aggregate;
      const criteria = x?.criteria ?? [];
      const heaviest = criteria.reduce<(typeof criteria)[number] | null>((h, c) => (!h || c.weight > h.weight ? c : h), null);
      const hAgg = heaviest ? g?.criteria.find((c) => c.code === heaviest.code) : undefined;
      const heaviestScore = hAgg ? (hAgg.moderated !== undefined ? hAgg.moderated : hAgg.mean) : null;
      const recommendations: Record<string, number> = {};
      for (const c of x?.completed ?? []) recommendations[c.recommendation!] = (recommendations[c.recommendation!] ?? 0) + 1;
      const awaiting: RankingRow['awaiting'] =
        a.status === 'ASSESSED' || a.status === 'DECIDED'
          ? null
          : !x || !x.live.length
            ? 'NO_ASSESSOR'
            : x.live.some((l) => l.status !== 'COMPLETED')
              ? 'ASSESSMENT'
              : 'MODERATION';
      const share = maxShareFor(rules, osloYear(new Date(a.first_submitted_at)));
      items.push({
        applicationId: a.id,
        caseNumber: a.case_number,
        title: a.content.title,
        status: a.status,
        score: g?.score ?? null,
        meanScore: g?.meanScore ?? null,
        spread: g?.spread ?? null,
        moderated: !!g?.moderated,
        heaviestCriterion: heaviest ? { code: heaviest.code, score: heaviestScore ?? null } : null,
        heaviestCriterionScore: heaviestScore ?? null,
        requestedOre: a.content.requestedAmountOre ?? 0,
        maxAllowedOre: maxAllowedOre(Number(eligibleCostsOre(a.content, rules)), share),
        assessments: { completed: x?.completed.length ?? 0, live: x?.live.length ?? 0 },
        recommendations,
        awaiting,
        submittedAt: new Date(a.first_submitted_at).toISOString(),
      });
    }
    let cumulative = 0;
    return rank(items).map(({ rank: r, item }) => {
      cumulative += item.requestedOre;
      const { heaviestCriterionScore: _h, ...rest } = item;
      return {
        rank: r,
        ...rest,
        score: nullable(round2, item.score),
        meanScore: nullable(round2, item.meanScore),
        spread: nullable(round2, item.spread),
        heaviestCriterion: item.heaviestCriterion && {
          code: item.heaviestCriterion.code,
          score: nullable(round2, item.heaviestCriterion.score),
        },
        cumulativeRequestedOre: cumulative,
        budgetOre: call.budgetOre,
        withinBudget: cumulative <= call.budgetOre,
        // the exact score, for the proposal; not shown
        exactScore: item.score,
      } as RankingRow & { exactScore: number | null };
    });
  }

  /** A new proposal version from the ranking as it stands. */
  async propose(actor: Actor, callId: string) {
    const id = await this.dataSource.transaction(async (m) => {
      const call = await this.loadCall(m, callId, true);
      const rows = (await this.rankingRows(m, call)) as Array<RankingRow & { exactScore: number | null }>;
      if (!rows.length)
        throw DomainError.conflict(E.NOTHING_TO_PROPOSE, 'The call has no application in assessment to propose grants for.');
      const rules = assessmentRulesOf(call.rules);
      const lines = proposeAllocation(
        rows.map((r) => ({
          applicationId: r.applicationId,
          rank: r.rank,
          score: r.exactScore,
          awaiting: r.awaiting !== null,
          requestedOre: r.requestedOre,
          maxAllowedOre: r.maxAllowedOre,
        })),
        call.budgetOre,
        rules,
      );
      return this.store(m, actor, call, lines, null, {});
    });
    return this.proposal(id);
  }

  /** Officer's changes, each with a reason: a new version based on this one; never above the budget. */
  async adjust(actor: Actor, proposalId: string, dto: AdjustProposalDto) {
    const id = await this.dataSource.transaction(async (m) => {
      const p = isUuid(proposalId) ? await m.getRepository(AllocationProposal).findOneBy({ id: proposalId }) : null;
      if (!p) throw DomainError.notFound('Allocation proposal', proposalId);
      const call = await this.loadCall(m, p.callId, true);
      const latest = await latestProposalVersion(m, p.callId);
      if (Number(latest) !== p.version) {
        throw DomainError.conflict(
          E.PROPOSAL_SUPERSEDED,
          `Version ${p.version} is not the latest proposal of the call (${latest}); adjust the latest.`,
          {
            latestVersion: Number(latest),
          },
        );
      }
      const dup = dto.lines.findIndex((l, i) => dto.lines.findIndex((x) => x.applicationId === l.applicationId) !== i);
      if (dup >= 0)
        throw DomainError.validation([{ field: `lines[${dup}].applicationId`, code: E.DUPLICATE_LINE, message: 'each application once' }]);
      const current = await m.getRepository(AllocationProposalLine).find({ where: { proposalId: p.id }, order: { rank: 'ASC' } });
      const asLines: AllocationLine[] = current.map((l) => ({
        applicationId: l.applicationId,
        rank: l.rank ?? 0,
        score: l.score === null ? null : Number(l.score),
        awaiting: false,
        requestedOre: l.requestedOre,
        maxAllowedOre: l.maxAllowedOre,
        proposedOre: l.proposedOre,
        outcome: l.outcome,
        note: l.note,
      }));
      const result = adjust(asLines, dto.lines, p.budgetOre);
      if ('problems' in result) {
        const fields = result.problems.flatMap((x): FieldProblem[] => {
          if (x.code === E.PROPOSAL_OVER_BUDGET) return [];
          const i = dto.lines.findIndex((l) => l.applicationId === x.applicationId);
          return x.code === E.UNKNOWN_PROPOSAL_LINE
            ? [{ field: `lines[${i}].applicationId`, code: x.code, message: `${x.applicationId} is not in this proposal` }]
            : [
                {
                  field: `lines[${i}].amountOre`,
                  code: x.code,
                  message: `at most ${x.maxOre} øre (the request, within the rules' share of eligible costs)`,
                },
              ];
        });
        if (fields.length) throw DomainError.validation(fields, 'Some lines cannot take these amounts.');
        // no line problem: the problems are the one over the budget
        const over = result.problems.find((x): x is OverBudget => x.code === E.PROPOSAL_OVER_BUDGET)!;
        throw new DomainError(
          422,
          over.code,
          `The adjusted proposal comes to ${over.totalOre} øre, ${over.overByOre} øre over the budget of ${p.budgetOre} øre.`,
          undefined,
          { totalOre: over.totalOre, budgetOre: over.budgetOre, overByOre: over.overByOre },
        );
      }
      const reasons = Object.fromEntries(dto.lines.map((l) => [l.applicationId, l.reason]));
      // the notes of lines not changed now carry over, as do earlier reasons
      const carried = Object.fromEntries(current.filter((l) => l.adjustmentReason).map((l) => [l.applicationId, l.adjustmentReason!]));
      return this.store(
        m,
        actor,
        { ...call, budgetOre: p.budgetOre },
        result.lines,
        p.id,
        { ...carried, ...reasons },
        new Set(Object.keys(reasons)),
      );
    });
    return this.proposal(id);
  }

  private async store(
    m: EntityManager,
    actor: Actor,
    call: { id: string; budgetOre: number },
    lines: AllocationLine[],
    basedOn: string | null,
    reasons: Record<string, string>,
    changed: Set<string> = new Set(),
  ): Promise<string> {
    const next = await nextProposalVersion(m, call.id);
    const total = lines.reduce((s, l) => s + l.proposedOre, 0);
    const repo = m.getRepository(AllocationProposal);
    const saved = await repo.save(
      repo.create({
        callId: call.id,
        version: Number(next),
        basedOn,
        budgetOre: call.budgetOre,
        totalOre: total,
        tieBreak: TIE_BREAK,
        createdBy: actor.userId,
        createdAt: this.clock.now(),
      }),
    );
    await m.getRepository(AllocationProposalLine).insert(
      lines.map((l) => ({
        proposalId: saved.id,
        applicationId: l.applicationId,
        rank: l.rank,
        score: l.score === null ? null : l.score.toFixed(4),
        requestedOre: l.requestedOre,
        maxAllowedOre: l.maxAllowedOre,
        proposedOre: l.proposedOre,
        outcome: l.outcome,
        note: changed.has(l.applicationId) ? 'adjusted by the officer' : l.note,
        adjustmentReason: reasons[l.applicationId] ?? null,
      })),
    );
    await this.audit.record(m, {
      action: basedOn ? 'allocation_proposal.adjusted' : 'allocation_proposal.proposed',
      entityType: 'allocation_proposal',
      entityId: saved.id,
      before: basedOn ? { basedOn } : null,
      after: {
        callId: call.id,
        version: Number(next),
        totalOre: total,
        lines: lines.map((l) => ({
          applicationId: l.applicationId,
          proposedOre: l.proposedOre,
          ...(reasons[l.applicationId] && changed.has(l.applicationId) ? { reason: reasons[l.applicationId] } : {}),
        })),
      },
    });
    return saved.id;
  }

  async proposal(id: string) {
    const m = this.dataSource.manager;
    const p = isUuid(id) ? await m.getRepository(AllocationProposal).findOneBy({ id }) : null;
    if (!p) throw DomainError.notFound('Allocation proposal', id);
    const lines = await proposalLines(m, p.id);
    return {
      id: p.id,
      callId: p.callId,
      version: p.version,
      basedOn: p.basedOn,
      budgetOre: p.budgetOre,
      totalOre: p.totalOre,
      remainingOre: p.budgetOre - p.totalOre,
      tieBreak: p.tieBreak,
      createdBy: p.createdBy,
      createdAt: p.createdAt.toISOString(),
      lines: lines.map((l) => ({
        applicationId: l.applicationId,
        caseNumber: l.case_number,
        title: l.title,
        rank: l.rank,
        score: l.score === null ? null : round2(Number(l.score)),
        requestedOre: Number(l.requestedOre),
        maxAllowedOre: Number(l.maxAllowedOre),
        proposedOre: Number(l.proposedOre),
        outcome: l.outcome,
        note: l.note,
        adjustmentReason: l.adjustmentReason,
      })),
    };
  }

  async proposals(callId: string, q: PageQuery) {
    const m = this.dataSource.manager;
    await this.loadCall(m, callId);
    const rows = await m.getRepository(AllocationProposal).find({ where: { callId }, order: { version: 'DESC' } });
    return pageInMemory(
      rows.map((p) => ({
        id: p.id,
        version: p.version,
        basedOn: p.basedOn,
        budgetOre: p.budgetOre,
        totalOre: p.totalOre,
        createdBy: p.createdBy,
        createdAt: p.createdAt.toISOString(),
      })),
      q,
      (p) => [-p.version],
    );
  }
}

function nullable<T, R>(f: (x: T) => R, x: T | null | undefined): R | null {
  return x === null || x === undefined ? null : f(x);
}
