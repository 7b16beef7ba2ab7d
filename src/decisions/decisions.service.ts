import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ApplicationWorkflow } from '../applications/application.workflow';
import { CaseJournal } from '../applications/case-journal.service';
import { RankingRow, RankingService } from '../assessment/ranking.service';
import { decisionRulesOf, maxShareFor } from '../calls/call-rules';
import { Actor } from '../common/actor';
import { deadlineInWeeks } from '../common/legal-deadline';
import { formatBpNorwegian, formatKroner } from '../common/money';
import { osloYear } from '../common/oslo-time';
import { decodeCursor, Page, pageLimit, toPage } from '../common/pagination';
import { DomainError, FieldProblem } from '../common/problem';
import { isUuid } from '../common/uuid';
import { maxAllowedOre } from '../assessment/ranking';
import { eligibleCostsOre } from '../applications/eligibility';
import { Grant } from '../grants/entities/grant.entity';
import { GrantsService } from '../grants/grants.service';
import { languageOf } from '../organisations/entities/municipality.entity';
import { Language } from '../templates/language';
import { WorkflowEngine } from '../workflow/workflow';
import { AppealWorkflow } from './appeal.workflow';
import { DecisionLetters } from './decision-letters.service';
import { DecisionPolicy } from './decision.policy';
import { DecisionState, DecisionWorkflow, EDITABLE_DECISION_STATES } from './decision.workflow';
import { DecisionErrors as E } from './decisions.errors';
import {
  allocationProposalLines,
  ApplicationForDecision,
  applicationForDecision,
  caseNumberOfApplication,
  decisionFacts,
  decisionIdsOfApplication,
  decisionInPreparation,
  decisionPage,
  decisionStatus,
  latestProposalLine,
  lockDecisionRow,
  otherDecisionsOfCall,
} from './decisions.queries';
import { BulkDecisionDto, DecisionListQuery, DraftDecisionDto, UpdateDecisionDto } from './dto/decisions.dto';
import { Decision, DecisionCondition, DecisionOutcome } from './entities/decision.entity';
import { Clock } from '../common/clock';
import { AuditService } from '../audit/audit.service';

/** An application ranked above or below, whose decision makes this one out of rank order. */
export interface RankConflict {
  applicationId: string;
  caseNumber: string;
  rank: number | null;
  outcome: string;
  amountOre: number;
  status: string;
}

export interface DecisionView {
  id: string;
  status: DecisionState;
  applicationId: string;
  callId: string;
  caseNumber: string;
  outcome: DecisionOutcome;
  amountOre: number;
  requestedOre: number;
  maxAllowedOre: number;
  language: Language;
  legalBasis: string;
  reasons: string;
  conditions: DecisionCondition[];
  rank: number | null;
  score: number | null;
  supersedesId: string | null;
  appealId: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  sentAt: string | null;
  letter: { appealDeadline: string; acceptBy: string | null; pdfSha256: string; entryNumber: string } | null;
  grantId: string | null;
  /** Staff only (`internal`): what never reaches the applicant. */
  internal?: {
    internalNote: string | null;
    outOfRankJustification: string | null;
    outOfRank: RankConflict[];
    returnComment: string | null;
    proposalId: string | null;
    history: Array<{ event: string; from: string; to: string; actorUserId: string | null; reason: string | null; occurredAt: string }>;
  };
}

export interface BulkResult {
  decisionId: string;
  outcome: 'approved' | 'returned' | 'refused';
  status?: DecisionState;
  problem?: { status: number; code: string; detail: string; [k: string]: unknown };
}

export interface DraftFromProposalResult {
  applicationId: string;
  outcome: 'drafted' | 'skipped';
  decisionId?: string;
  problem?: { status: number; code: string; detail: string };
}

/** What a new draft links to: the appeal it answers and the decision it would replace. */
export interface DraftLinks {
  proposalId?: string | null;
  appealId?: string | null;
  supersedesId?: string | null;
}

const TEXT = {
  nb: {
    scored: (score: string, rank: number, of: number) =>
      `Søknaden er vurdert etter kriteriene i utlysningen og fikk en samlet vektet poengsum på ${score}. Den ble rangert som nummer ${rank} av ${of} søknader.`,
    heaviest: (name: string, weight: number, score: string) =>
      `Kriteriet som veide tyngst, «${name}» (vekt ${weight} %), fikk ${score} poeng.`,
    granted: (amount: string) => `Søknaden innvilges med ${amount}.`,
    partly: (amount: string, requested: string, share: string) =>
      `Søknaden innvilges delvis med ${amount} av omsøkte ${requested}. Tilskuddet kan utgjøre høyst ${share} prosent av de tilskuddsberettigede kostnadene, og rammen for utlysningen er begrenset.`,
    rejected: 'Søknaden nådde ikke opp i konkurransen om midlene i utlysningen, og den avslås.',
  },
  nn: {
    scored: (score: string, rank: number, of: number) =>
      `Søknaden er vurdert etter kriteria i utlysinga og fekk ein samla vekta poengsum på ${score}. Han vart rangert som nummer ${rank} av ${of} søknader.`,
    heaviest: (name: string, weight: number, score: string) =>
      `Kriteriet som vog tyngst, «${name}» (vekt ${weight} %), fekk ${score} poeng.`,
    granted: (amount: string) => `Søknaden blir innvilga med ${amount}.`,
    partly: (amount: string, requested: string, share: string) =>
      `Søknaden blir delvis innvilga med ${amount} av omsøkte ${requested}. Tilskotet kan utgjere høgst ${share} prosent av dei tilskotsberettiga kostnadene, og ramma for utlysinga er avgrensa.`,
    rejected: 'Søknaden nådde ikkje opp i konkurransen om midlane i utlysinga, og han blir avslått.',
  },
} as const;

/**
 * Decisions (vedtak): the officer drafts (prefilled from the assessment), edits and proposes; an approver who did not
 * propose approves or returns. Approval commits the money under the call's row lock, creates or changes the grant,
 * and sends the letter, all in one transaction.
 */
@Injectable()
export class DecisionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: DecisionPolicy,
    private readonly engine: WorkflowEngine,
    private readonly ranking: RankingService,
    private readonly grants: GrantsService,
    private readonly letters: DecisionLetters,
    private readonly journal: CaseJournal,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  // ---- drafting ------------------------------------------------------------------------------------------------

  async draft(actor: Actor, applicationId: string, dto: DraftDecisionDto): Promise<DecisionView> {
    const id = await this.dataSource.transaction(async (m) => {
      const app = await applicationForDecision(m, applicationId, true);
      if (!app) throw DomainError.notFound('Application', applicationId);
      if (app.status !== 'ASSESSED') {
        throw DomainError.conflict(
          E.APPLICATION_NOT_DECIDABLE,
          app.status === 'DECIDED'
            ? 'The application is decided; a new decision comes only from an appeal (POST /decisions/{id}/appeals).'
            : `A decision is drafted for an assessed application; this one is ${app.status.toLowerCase()}.`,
          { applicationStatus: app.status },
        );
      }
      return (await this.createDraft(m, actor, app, dto, {})).id;
    });
    return this.get(actor, id);
  }

  /** Drafts a decision for every line of an allocation proposal whose application is assessed and has none yet. */
  async draftFromProposal(actor: Actor, proposalId: string): Promise<{ proposalId: string; results: DraftFromProposalResult[] }> {
    const lines = isUuid(proposalId) ? await allocationProposalLines(this.dataSource.manager, proposalId) : [];
    if (!lines.length) throw DomainError.notFound('Allocation proposal', proposalId);
    const results: DraftFromProposalResult[] = [];
    for (const line of lines) {
      try {
        const id = await this.dataSource.transaction(async (m) => {
          const app = await applicationForDecision(m, line.application_id, true);
          if (!app || app.status !== 'ASSESSED') {
            throw DomainError.conflict(
              E.APPLICATION_NOT_DECIDABLE,
              `The application is ${app?.status.toLowerCase() ?? 'gone'}, not assessed.`,
            );
          }
          return (await this.createDraft(m, actor, app, { amountOre: Number(line.proposed_ore) }, { proposalId })).id;
        });
        results.push({ applicationId: line.application_id, outcome: 'drafted', decisionId: id });
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        results.push({ applicationId: line.application_id, outcome: 'skipped', problem: problemOf(e) });
      }
    }
    return { proposalId, results };
  }

  /**
   * A new draft in the caller's transaction (the appeal module drafts reversals through it). The amount defaults to
   * the latest proposal's line, else to the most the rules allow; reasons, legal basis and the standard conditions are
   * prefilled in the lead municipality's language.
   */
  async createDraft(
    m: EntityManager,
    actor: Actor,
    app: ApplicationForDecision,
    dto: DraftDecisionDto,
    links: DraftLinks,
  ): Promise<Decision> {
    const busy = await decisionInPreparation(m, app.id);
    if (busy) {
      throw DomainError.conflict(E.DECISION_IN_PREPARATION, 'A decision for this application is already being prepared.', {
        decisionId: busy.id,
      });
    }
    const language = leadLanguage(app);
    const rules = app.rules;
    const dr = decisionRulesOf(rules);
    const shareBp = maxShareFor(rules, osloYear(app.firstSubmittedAt));
    const requestedOre = app.content.requestedAmountOre ?? 0;
    const maxOre = maxAllowedOre(Number(eligibleCostsOre(app.content, rules)), shareBp);
    const proposal = links.proposalId === undefined ? await latestProposalLine(m, app.callId, app.id) : null;
    let amountOre = dto.amountOre;
    if (amountOre === undefined) {
      if (dto.outcome === 'REJECTED') amountOre = 0;
      else if (dto.outcome === 'GRANTED') amountOre = requestedOre;
      else amountOre = proposal ? proposal.proposedOre : Math.min(requestedOre, maxOre);
    }
    const outcome = dto.outcome ?? outcomeFor(amountOre, requestedOre);
    checkAmount(outcome, amountOre, requestedOre, maxOre);

    const row = await this.rankRow(m, app);
    const at = this.clock.now();
    const repo = m.getRepository(Decision);
    const d = repo.create({
      status: 'DRAFT',
      applicationId: app.id,
      callId: app.callId,
      outcome,
      amountOre,
      requestedOre,
      maxAllowedOre: maxOre,
      language,
      legalBasis: dto.legalBasis ?? dr.legalBasis[language],
      reasons: dto.reasons ?? prefilledReasons(language, outcome, amountOre, requestedOre, shareBp, row.row, row.of, rules),
      internalNote: dto.internalNote ?? null,
      conditions: [
        ...dr.standardConditions.map((c) => ({ code: c.code, text: c.text[language] })),
        ...(dto.specificConditions ?? []).map((text) => ({ code: null, text })),
      ],
      outOfRankJustification: dto.outOfRankJustification ?? null,
      rank: row.row?.rank ?? null,
      score: row.row?.score != null ? String(row.row.score) : null,
      proposalId: links.proposalId ?? proposal?.proposalId ?? null,
      appealId: links.appealId ?? null,
      supersedesId: links.supersedesId ?? null,
      returnComment: null,
      createdBy: actor.userId,
      createdAt: at,
      updatedAt: at,
      approvedBy: null,
      approvedAt: null,
      sentAt: null,
    });
    await repo.insert(d);
    await this.audit.record(m, {
      action: 'decision.draft',
      entityType: 'decision',
      entityId: d.id,
      before: null,
      after: { status: 'DRAFT', applicationId: app.id, outcome, amountOre, appealId: d.appealId },
      actor,
    });
    return d;
  }

  async update(actor: Actor, id: string, dto: UpdateDecisionDto): Promise<DecisionView> {
    await this.dataSource.transaction(async (m) => {
      await this.policy.assert(m, actor, id, 'prepare', { lock: true });
      const d = await m.getRepository(Decision).findOneByOrFail({ id });
      if (!EDITABLE_DECISION_STATES.includes(d.status)) {
        throw DomainError.conflict(E.DECISION_NOT_EDITABLE, `A ${d.status.toLowerCase()} decision cannot be edited.`, {
          currentState: d.status,
        });
      }
      const app = (await applicationForDecision(m, d.applicationId))!;
      const requestedOre = d.requestedOre;
      let amountOre = dto.amountOre ?? d.amountOre;
      if (dto.amountOre === undefined && dto.outcome === 'REJECTED') amountOre = 0;
      if (dto.amountOre === undefined && dto.outcome === 'GRANTED') amountOre = requestedOre;
      const outcome = dto.outcome ?? (dto.amountOre !== undefined ? outcomeFor(amountOre, requestedOre) : d.outcome);
      checkAmount(outcome, amountOre, requestedOre, d.maxAllowedOre);
      const dr = decisionRulesOf(app.rules);
      const changes: Partial<Decision> = {
        outcome,
        amountOre,
        ...(dto.reasons !== undefined ? { reasons: dto.reasons } : {}),
        ...(dto.legalBasis !== undefined ? { legalBasis: dto.legalBasis } : {}),
        ...(dto.internalNote !== undefined ? { internalNote: dto.internalNote } : {}),
        ...(dto.outOfRankJustification !== undefined ? { outOfRankJustification: dto.outOfRankJustification || null } : {}),
        ...(dto.specificConditions !== undefined
          ? {
              conditions: [
                ...dr.standardConditions.map((c) => ({ code: c.code, text: c.text[d.language] })),
                ...dto.specificConditions.map((text) => ({ code: null, text })),
              ],
            }
          : {}),
        updatedAt: this.clock.now(),
      };
      await m.getRepository(Decision).update({ id }, changes);
      await this.audit.record(m, {
        action: 'decision.update',
        entityType: 'decision',
        entityId: id,
        before: { outcome: d.outcome, amountOre: d.amountOre },
        after: { outcome, amountOre, fields: Object.keys(dto) },
        actor,
      });
    });
    return this.get(actor, id);
  }

  // ---- four eyes -------------------------------------------------------------------------------------------------

  async propose(actor: Actor, id: string): Promise<DecisionView> {
    await this.dataSource.transaction(async (m) => {
      await this.policy.assert(m, actor, id, 'prepare');
      const d = await this.lockDecision(m, id);
      checkReasons(d);
      await this.requireRankJustification(m, d);
      const at = this.clock.now();
      await this.engine.transition(m, DecisionWorkflow, id, 'propose', actor, { at, set: { return_comment: null } });
      await this.journalInternal(m, d, actor, at, 'VEDTAKSFORSLAG', `Forslag til vedtak (${d.outcome}) lagt fram for godkjenning`);
    });
    return this.get(actor, id);
  }

  async returnToOfficer(actor: Actor, id: string, comment: string): Promise<DecisionView> {
    await this.dataSource.transaction(async (m) => this.returnIn(m, actor, id, comment));
    return this.get(actor, id);
  }

  private async returnIn(m: EntityManager, actor: Actor, id: string, comment: string): Promise<void> {
    await this.policy.assert(m, actor, id, 'approve');
    const d = await this.lockDecision(m, id);
    const at = this.clock.now();
    await this.engine.transition(m, DecisionWorkflow, id, 'return', actor, { at, reason: comment, set: { return_comment: comment } });
    await this.journalInternal(m, d, actor, at, 'VEDTAKSFORSLAG_RETUR', 'Forslag til vedtak returnert til saksbehandler');
  }

  async approve(actor: Actor, id: string, comment?: string): Promise<DecisionView> {
    await this.dataSource.transaction(async (m) => this.approveIn(m, actor, id, comment));
    return this.get(actor, id);
  }

  /**
   * The approval, in the caller's transaction: state and separation of duties (the workflow, under the decision's row
   * lock), the rank order, then the budget under the call's row lock; the grant is created (or, for a reversal,
   * changed or cancelled) and the letter sent.
   */
  private async approveIn(m: EntityManager, actor: Actor, id: string, comment?: string): Promise<void> {
    await this.policy.assert(m, actor, id, 'approve');
    const d = await this.lockDecision(m, id);
    const at = this.clock.now();
    const previous = d.supersedesId ? await m.getRepository(Decision).findOneByOrFail({ id: d.supersedesId }) : null;
    // a reversal's predecessor leaves force before the reversal enters it: one decision in force per application
    // (decision_one_in_force); if the approval below is refused, the transaction takes this back with it
    if (previous) {
      await this.engine.transition(m, DecisionWorkflow, previous.id, 'supersede', actor, { at, reason: `superseded by decision ${d.id}` });
    }
    await this.engine.transition(m, DecisionWorkflow, id, 'approve', actor, {
      at,
      reason: comment,
      set: { approved_by: actor.userId, approved_at: at.toISOString() },
    });
    checkReasons(d);
    await this.requireRankJustification(m, d);
    const app = (await applicationForDecision(m, d.applicationId, true))!;
    const dr = decisionRulesOf(app.rules);
    const live = await this.grants.liveFor(m, d.applicationId);
    // what this approval adds to (or, for a reversal downwards, takes from) the call's committed amount
    await this.grants.commit(m, d.callId, d.amountOre - (live?.amountOre ?? 0));

    const acceptBy = deadlineInWeeks(at, dr.acceptanceWeeks).endsAt;
    const terms = {
      decisionId: d.id,
      applicationId: d.applicationId,
      callId: d.callId,
      consortiumId: app.consortiumId,
      caseNumber: app.caseNumber,
      amountOre: d.amountOre,
      rules: app.rules,
      projectStart: app.content.projectStart,
      projectEnd: app.content.projectEnd,
      acceptBy,
    };
    let grant: Grant | null = null;
    if (d.amountOre > 0) grant = live ? await this.grants.amend(m, live, terms, actor, at) : await this.grants.create(m, terms, actor, at);
    else if (live) await this.grants.cancel(m, live, actor, `reversed on appeal by decision ${d.id}`, at);

    if (previous) {
      if (d.appealId) await this.engine.transition(m, AppealWorkflow, d.appealId, 'reverse', actor, { at, reason: `decision ${d.id}` });
    } else {
      await this.engine.transition(m, ApplicationWorkflow, d.applicationId, 'decide', actor, { at });
    }
    const approved = await m.getRepository(Decision).findOneByOrFail({ id });
    await this.letters.issue(m, approved, app, { actor, at, grant, previous });
    await this.engine.transition(m, DecisionWorkflow, id, 'send', actor, { at, set: { sent_at: at.toISOString() } });
  }

  /** Many decisions approved or returned, each in its own transaction, as if alone; the answer says what became of each. */
  async bulk(actor: Actor, dto: BulkDecisionDto): Promise<{ results: BulkResult[] }> {
    const seen = new Set<string>();
    for (const [i, id] of dto.decisionIds.entries()) {
      if (seen.has(id)) {
        throw DomainError.validation([{ field: `decisionIds[${i}]`, code: E.DUPLICATE_DECISION, message: `${id} is listed twice` }]);
      }
      seen.add(id);
    }
    if (dto.action === 'return' && !dto.comment) {
      throw DomainError.validation([{ field: 'comment', code: E.REASONS_REQUIRED, message: 'a return needs a comment for the officer' }]);
    }
    const results: BulkResult[] = [];
    for (const id of dto.decisionIds) {
      try {
        await this.dataSource.transaction((m) =>
          dto.action === 'approve' ? this.approveIn(m, actor, id, dto.comment) : this.returnIn(m, actor, id, dto.comment!),
        );
        const status = await decisionStatus(this.dataSource.manager, id);
        results.push({ decisionId: id, outcome: dto.action === 'approve' ? 'approved' : 'returned', status });
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        results.push({ decisionId: id, outcome: 'refused', problem: problemOf(e) });
      }
    }
    return { results };
  }

  async discard(actor: Actor, id: string, reason: string): Promise<DecisionView> {
    await this.dataSource.transaction(async (m) => {
      await this.policy.assert(m, actor, id, 'prepare');
      await this.engine.transition(m, DecisionWorkflow, id, 'discard', actor, { reason });
    });
    return this.get(actor, id);
  }

  // ---- reading -------------------------------------------------------------------------------------------------

  async get(actor: Actor, id: string): Promise<DecisionView> {
    const m = this.dataSource.manager;
    await this.policy.assert(m, actor, id, 'read');
    const d = await m.getRepository(Decision).findOneByOrFail({ id });
    return this.view(m, actor, d);
  }

  /** The decisions of an application the actor may see, oldest first (a reversal comes after what it replaces). */
  async forApplication(actor: Actor, applicationId: string): Promise<{ items: DecisionView[] }> {
    const m = this.dataSource.manager;
    const params: unknown[] = [applicationId];
    const bind = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const ids = isUuid(applicationId) ? await decisionIdsOfApplication(m, this.policy.filter(actor, 'read').sql('d', bind), params) : [];
    const items: DecisionView[] = [];
    for (const id of ids) items.push(await this.view(m, actor, await m.getRepository(Decision).findOneByOrFail({ id })));
    return { items };
  }

  /** Decisions across calls: what awaits approval (`status=PROPOSED`), a call's decisions, newest first. */
  async list(actor: Actor, q: DecisionListQuery): Promise<Page<DecisionView>> {
    const m = this.dataSource.manager;
    const limit = pageLimit(q);
    const after = decodeCursor(q.cursor, ['timestamp', 'uuid']);
    const params: unknown[] = [];
    const bind = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = [this.policy.filter(actor, 'read').sql('d', bind)];
    if (q.callId) where.push(`d.call_id = ${bind(q.callId)}::uuid`);
    if (q.status) where.push(`d.status = ${bind(q.status)}`);
    if (after) where.push(`(d.updated_at, d.id) < (${bind(after[0])}::timestamptz, ${bind(after[1])}::uuid)`);
    const rows = await decisionPage(m, where, params, limit);
    const page = toPage(rows, limit, (r) => [r.at, r.id]);
    const items: DecisionView[] = [];
    for (const r of page.items) items.push(await this.view(m, actor, await m.getRepository(Decision).findOneByOrFail({ id: r.id })));
    return { items, nextCursor: page.nextCursor };
  }

  private async view(m: EntityManager, actor: Actor, d: Decision): Promise<DecisionView> {
    const facts = await decisionFacts(m, d.id);
    const view: DecisionView = {
      id: d.id,
      status: d.status,
      applicationId: d.applicationId,
      callId: d.callId,
      caseNumber: facts.case_number,
      outcome: d.outcome,
      amountOre: d.amountOre,
      requestedOre: d.requestedOre,
      maxAllowedOre: d.maxAllowedOre,
      language: d.language,
      legalBasis: d.legalBasis,
      reasons: d.reasons,
      conditions: d.conditions,
      rank: d.rank,
      score: d.score === null ? null : Number(d.score),
      supersedesId: d.supersedesId,
      appealId: d.appealId,
      createdBy: d.createdBy,
      createdAt: d.createdAt.toISOString(),
      updatedAt: d.updatedAt.toISOString(),
      approvedBy: d.approvedBy,
      approvedAt: d.approvedAt?.toISOString() ?? null,
      sentAt: d.sentAt?.toISOString() ?? null,
      letter: facts.pdf_sha256
        ? {
            appealDeadline: facts.appeal_deadline!,
            acceptBy: facts.accept_by ? new Date(facts.accept_by).toISOString() : null,
            pdfSha256: facts.pdf_sha256,
            entryNumber: `${facts.case_number}-${facts.journal_seq}`,
          }
        : null,
      grantId: facts.grant_id,
    };
    if (await this.policy.allows(m, actor, d.id, 'internal')) {
      const history = await this.engine.history(DecisionWorkflow, d.id, m);
      const outOfRank = ['PROPOSED', 'DRAFT', 'RETURNED'].includes(d.status) ? await this.rankConflicts(m, d) : [];
      view.internal = {
        internalNote: d.internalNote,
        outOfRankJustification: d.outOfRankJustification,
        outOfRank,
        returnComment: d.returnComment,
        proposalId: d.proposalId,
        history: history.map((h) => ({
          event: h.event,
          from: h.from,
          to: h.to,
          actorUserId: h.actorUserId,
          reason: h.reason,
          occurredAt: h.occurredAt.toISOString(),
        })),
      };
    }
    return view;
  }

  // ---- rules -----------------------------------------------------------------------------------------------------

  private async lockDecision(m: EntityManager, id: string): Promise<Decision> {
    if (!isUuid(id) || !(await lockDecisionRow(m, id))) throw DomainError.notFound('Decision', id);
    return m.getRepository(Decision).findOneByOrFail({ id });
  }

  /** The application's place in its call's ranking, and how many are ranked. */
  private async rankRow(m: EntityManager, app: ApplicationForDecision): Promise<{ row: RankingRow | null; of: number }> {
    const r = await this.ranking.ranking(app.callId, m);
    return { row: r.items.find((i) => i.applicationId === app.id) ?? null, of: r.items.length };
  }

  /**
   * Decisions of the same call that make this one out of rank order: this grants money while a higher-ranked
   * application is rejected or cut, or this rejects or cuts while a lower-ranked one is granted. "Cut" is less than the
   * most the application could get (its request, within the call's share). The ranking is read only when a conflict
   * is possible at all.
   */
  async rankConflicts(m: EntityManager, d: Decision): Promise<RankConflict[]> {
    const full = (x: { amountOre: number; requestedOre: number; maxAllowedOre: number }) =>
      x.amountOre >= Math.min(x.requestedOre, x.maxAllowedOre);
    const others = await otherDecisionsOfCall(m, d.callId, d.applicationId);
    const mineCut = !full(d);
    const candidates = others.filter((o) => (d.amountOre > 0 && !full(o)) || (mineCut && o.amountOre > 0));
    if (!candidates.length) return [];
    const ranking = await this.ranking.ranking(d.callId, m);
    const rankOf = new Map(ranking.items.map((i) => [i.applicationId, i.rank]));
    const mine = rankOf.get(d.applicationId);
    if (mine === undefined) return [];
    return candidates
      .filter((o) => {
        const theirs = rankOf.get(o.applicationId);
        if (theirs === undefined) return false;
        return (theirs < mine && d.amountOre > 0 && !full(o)) || (theirs > mine && mineCut && o.amountOre > 0);
      })
      .map((o) => ({
        applicationId: o.applicationId,
        caseNumber: o.caseNumber,
        rank: rankOf.get(o.applicationId) ?? null,
        outcome: o.outcome,
        amountOre: o.amountOre,
        status: o.status,
      }));
  }

  private async requireRankJustification(m: EntityManager, d: Decision): Promise<void> {
    if (d.outOfRankJustification?.trim()) return;
    const conflicts = await this.rankConflicts(m, d);
    if (!conflicts.length) return;
    throw new DomainError(
      422,
      E.OUT_OF_RANK_JUSTIFICATION_REQUIRED,
      `The decision funds out of rank order against ${conflicts.map((c) => `${c.caseNumber} (rank ${c.rank})`).join(', ')}: give a written justification (outOfRankJustification).`,
      [{ field: 'outOfRankJustification', code: E.OUT_OF_RANK_JUSTIFICATION_REQUIRED, message: 'required when funding out of rank order' }],
      { conflicts },
    );
  }

  private async journalInternal(m: EntityManager, d: Decision, actor: Actor, at: Date, documentType: string, title: string): Promise<void> {
    await this.journal.record(m, await caseNumberOfApplication(m, d.applicationId), { direction: 'N', documentType, title, actor, at });
  }
}

function leadLanguage(app: ApplicationForDecision): Language {
  return languageOf(app.content.consortium.members.find((x) => x.lead)?.writtenLanguage);
}

function outcomeFor(amountOre: number, requestedOre: number): DecisionOutcome {
  return amountOre === 0 ? 'REJECTED' : amountOre >= requestedOre ? 'GRANTED' : 'PARTLY_GRANTED';
}

function checkAmount(outcome: DecisionOutcome, amountOre: number, requestedOre: number, maxOre: number): void {
  const problems: FieldProblem[] = [];
  if (amountOre > requestedOre) {
    problems.push({ field: 'amountOre', code: E.AMOUNT_ABOVE_LIMIT, message: `above the amount applied for (${requestedOre} øre)` });
  } else if (amountOre > maxOre) {
    problems.push({
      field: 'amountOre',
      code: E.AMOUNT_ABOVE_LIMIT,
      message: `above what the call's rules allow for this application (${maxOre} øre: the grant share of its eligible costs)`,
    });
  }
  if (problems.length) throw DomainError.unprocessable(E.AMOUNT_ABOVE_LIMIT, problems[0].message, problems);
  const fits =
    (outcome === 'REJECTED' && amountOre === 0) ||
    (outcome === 'GRANTED' && amountOre > 0 && amountOre === requestedOre) ||
    (outcome === 'PARTLY_GRANTED' && amountOre > 0 && amountOre < requestedOre);
  if (!fits) {
    throw DomainError.unprocessable(
      E.OUTCOME_AMOUNT_MISMATCH,
      `${outcome} does not fit an amount of ${amountOre} øre of ${requestedOre} requested.`,
      [
        {
          field: 'outcome',
          code: E.OUTCOME_AMOUNT_MISMATCH,
          message: 'REJECTED has no amount, GRANTED the full request, PARTLY_GRANTED less than requested but more than 0',
        },
      ],
    );
  }
}

function checkReasons(d: Decision): void {
  const problems: FieldProblem[] = [];
  if (!d.reasons.trim())
    problems.push({ field: 'reasons', code: E.REASONS_REQUIRED, message: 'a decision states its reasons (forvaltningsloven § 24)' });
  if (!d.legalBasis.trim()) {
    problems.push({
      field: 'legalBasis',
      code: E.REASONS_REQUIRED,
      message: 'the reasons name the rules the decision rests on (forvaltningsloven § 25)',
    });
  }
  if (problems.length) throw DomainError.unprocessable(E.REASONS_REQUIRED, 'The decision needs its reasons and legal basis.', problems);
}

function prefilledReasons(
  language: Language,
  outcome: DecisionOutcome,
  amountOre: number,
  requestedOre: number,
  shareBp: number,
  row: RankingRow | null,
  of: number,
  rules: ApplicationForDecision['rules'],
): string {
  const t = TEXT[language];
  const parts: string[] = [];
  const num = (x: number) => x.toFixed(2).replace('.', ',');
  if (row?.score != null) parts.push(t.scored(num(row.score), row.rank, of));
  const heaviest = row?.heaviestCriterion;
  const criterion = heaviest ? rules.criteria.find((c) => c.code === heaviest.code) : undefined;
  if (heaviest?.score != null && criterion) parts.push(t.heaviest(criterion.name, criterion.weight, num(heaviest.score)));
  if (outcome === 'GRANTED') parts.push(t.granted(formatKroner(amountOre)));
  else if (outcome === 'PARTLY_GRANTED')
    parts.push(t.partly(formatKroner(amountOre), formatKroner(requestedOre), formatBpNorwegian(shareBp)));
  else parts.push(t.rejected);
  return parts.join(' ');
}

function problemOf(e: DomainError): { status: number; code: string; detail: string } {
  const body = e.getResponse() as { detail: string; code: string } & Record<string, unknown>;
  const { errors: _errors, ...rest } = body;
  return { ...rest, status: e.getStatus(), code: e.code, detail: body.detail };
}
