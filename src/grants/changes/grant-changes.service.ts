import { Injectable, OnModuleInit } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { ApplicantCorrespondence } from '../../applications/applicant-correspondence.service';
import { recipientsOf } from '../../applications/application-notifications';
import { CaseJournal } from '../../applications/case-journal.service';
import { Application } from '../../applications/entities/application.entity';
import { AuditService } from '../../audit/audit.service';
import { changeRulesOf } from '../../calls/call-rules';
import { Actor } from '../../common/actor';
import { Clock } from '../../common/clock';
import { canonical } from '../../common/decimal';
import { osloDate } from '../../common/legal-deadline';
import { formatKroner } from '../../common/money';
import { formatOsloNorwegian } from '../../common/oslo-time';
import { DomainError, FieldProblem } from '../../common/problem';
import { IdempotentRequest, IdempotentResult, once } from '../../database/idempotency';
import { renderPdfA } from '../../documents/pdf-document';
import { NotificationService } from '../../notifications/notification.service';
import { activeApplicants } from '../../organisations/organisations.queries';
import { languageOf } from '../../organisations/entities/municipality.entity';
import { FileStorage } from '../../storage/storage.port';
import { TemplateRenderer } from '../../templates/template-renderer';
import { WorkflowEngine } from '../../workflow/workflow';
import { GrantPolicy } from '../grant.policy';
import { ReportSchedules } from '../reports/report-schedules.service';
import { reportsOfGrant } from '../reports/reports.queries';
import { ConfirmChangeRequestDto, ConsentDto, DecideChangeRequestDto, SubmitChangeRequestDto } from './dto/grant-changes.dto';
import { ChangeRequestReceiptView, ChangeRequestView, GrantTermsView } from './dto/grant-changes.views';
import { GrantChangePolicy } from './grant-change.policy';
import { GrantChangeWorkflow } from './grant-change.workflow';
import { GrantChangeErrors as E, GrantChangeFlags as F } from './grant-changes.errors';
import {
  ChangeContent,
  ChangeFlag,
  ChangeRequestRow,
  changeRequests,
  GrantForChange,
  grantForChange,
  insertChangeRequest,
  insertConsent,
  insertTerms,
  missingConsents,
  municipalityOrganisations,
  setLetter,
  termsHistory,
  grantProjectTitle,
  nextChangeRequestNumber,
  lockGrantRow,
  userDisplayName,
} from './grant-changes.queries';
import { aboveThreshold, GrantTerms, movedOre, TermsMember } from './grant-terms';

export const CHANGE_EVENTS = { received: 'grant_change.received', decided: 'grant_change.decided' } as const;

const LETTER_VARIABLES = [
  'caseNumber',
  'sentAt',
  'officerName',
  'leadName',
  'recipientNames',
  'consortiumName',
  'projectTitle',
  'number',
  'submittedAt',
  'approved',
  'changes',
  'reasons',
  'validFrom',
];

const WORDS = {
  nb: {
    title: (n: number, p: string) => `Vedtak om endringssøknad ${n} – ${p}`,
    projectEnd: (from: string | null, to: string) =>
      `Prosjektslutt flyttes fra ${from ?? '–'} til ${to}; sluttrapporten og sluttutbetalingen følger.`,
    budget: (moved: string) => `Budsjettet endres: ${moved} flyttes mellom kostnadskategorier eller år. Tilsagnsbeløpet er uendret.`,
    leaving: (names: string) => `Går ut av samarbeidet: ${names}.`,
    joining: (names: string) => `Går inn i samarbeidet: ${names}.`,
    target: (name: string, from: string | null, to: string | null) => `Nytt mål for «${name}»: ${to ?? '–'} (var ${from ?? '–'}).`,
    added: (name: string, target: string) => `Ny indikator «${name}» med mål ${target}.`,
  },
  nn: {
    title: (n: number, p: string) => `Vedtak om endringssøknad ${n} – ${p}`,
    projectEnd: (from: string | null, to: string) =>
      `Prosjektslutt blir flytta frå ${from ?? '–'} til ${to}; sluttrapporten og sluttutbetalinga følgjer.`,
    budget: (moved: string) => `Budsjettet blir endra: ${moved} blir flytta mellom kostnadskategoriar eller år. Tilsegnsbeløpet er uendra.`,
    leaving: (names: string) => `Går ut av samarbeidet: ${names}.`,
    joining: (names: string) => `Går inn i samarbeidet: ${names}.`,
    target: (name: string, from: string | null, to: string | null) => `Nytt mål for «${name}»: ${to ?? '–'} (var ${from ?? '–'}).`,
    added: (name: string, target: string) => `Ny indikator «${name}» med mål ${target}.`,
  },
} as const;

/**
 * Change requests (endringssøknader) on an active grant: the lead's applicants submit one (frozen, an inbound journal
 * entry and a receipt); an officer approves or rejects it, or above the call's threshold recommends it for an
 * approver who is not that officer to confirm; the decision goes out as a letter in the lead municipality's language
 * (HTML and PDF/A, an outbound journal entry, mailed with the PDF); an approval makes a new version of the grant's
 * terms, valid from that day, and moves the project end with its final report.
 */
@Injectable()
export class GrantChangesService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly engine: WorkflowEngine,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly policy: GrantChangePolicy,
    private readonly grantPolicy: GrantPolicy,
    private readonly journal: CaseJournal,
    private readonly correspondence: ApplicantCorrespondence,
    private readonly notifications: NotificationService,
    private readonly templates: TemplateRenderer,
    private readonly storage: FileStorage,
    private readonly schedules: ReportSchedules,
  ) {}

  onModuleInit() {
    this.templates.require('letter', 'change-letter', LETTER_VARIABLES);
    const resolve = async ({ manager, entityId, data }: { manager: EntityManager; entityId: string; data: Record<string, unknown> }) => {
      const id = typeof data.changeRequestId === 'string' ? data.changeRequestId : entityId;
      const [r] = await changeRequests(manager, { id });
      if (!r) return null;
      const projectTitle = await grantProjectTitle(manager, r.grantId);
      return {
        caseNumber: r.caseNumber,
        projectTitle: projectTitle ?? '',
        number: r.number,
        receivedAt: formatOsloNorwegian(r.submittedAt),
        approved: r.status === 'APPROVED',
      };
    };
    this.notifications.define({
      event: CHANGE_EVENTS.received,
      template: 'change-request-receipt',
      // the receipt is the consortium's proof of what it asked for and when
      mandatory: true,
      variables: ['caseNumber', 'projectTitle', 'number', 'receivedAt'],
      resolve,
    });
    this.notifications.define({
      event: CHANGE_EVENTS.decided,
      template: 'change-request-decided',
      // a decision on the grant's terms is an individual decision: it must reach the party
      mandatory: true,
      variables: ['caseNumber', 'projectTitle', 'number', 'approved'],
      resolve,
    });
  }

  // ---- reading -------------------------------------------------------------------------------------------------

  async list(actor: Actor, grantId: string): Promise<{ items: ChangeRequestView[] }> {
    const m = this.dataSource.manager;
    await this.grantPolicy.assert(m, actor, grantId, 'read');
    const rows = await changeRequests(m, { grantId });
    return { items: await Promise.all(rows.map((r) => this.view(m, actor, r))) };
  }

  async get(actor: Actor, id: string): Promise<ChangeRequestView> {
    const m = this.dataSource.manager;
    await this.policy.assert(m, actor, id, 'read');
    return this.view(m, actor, (await changeRequests(m, { id }))[0]);
  }

  async terms(m: EntityManager, grantId: string): Promise<GrantTermsView[]> {
    return termsHistory(m, grantId);
  }

  async letter(actor: Actor, id: string, format: 'html' | 'pdf') {
    const m = this.dataSource.manager;
    await this.policy.assert(m, actor, id, 'read');
    const [r] = await changeRequests(m, { id });
    if (!r.pdfKey || !r.htmlKey)
      throw new DomainError(404, E.NO_LETTER, 'The change request has no letter yet: it is sent when it is decided.');
    const base = `endring-${r.caseNumber.replace('/', '-')}-${r.number}`;
    return format === 'html'
      ? { stream: this.storage.read(r.htmlKey), contentType: 'text/html; charset=utf-8', filename: `${base}.html`, sha256: r.htmlSha256! }
      : { stream: this.storage.read(r.pdfKey), contentType: 'application/pdf', filename: `${base}.pdf`, sha256: r.pdfSha256! };
  }

  // ---- the consortium's steps ------------------------------------------------------------------------------------

  async submit(
    actor: Actor,
    grantId: string,
    dto: SubmitChangeRequestDto,
    idem?: IdempotentRequest,
  ): Promise<IdempotentResult<ChangeRequestReceiptView>> {
    const result = await this.dataSource.transaction(async (m) => {
      const at = this.clock.now();
      return once(m, idem, at, async () => {
        await this.grantPolicy.assert(m, actor, grantId, 'change', { lock: true });
        const g = (await grantForChange(m, grantId))!;
        if (g.status !== 'ACTIVE') {
          throw DomainError.conflict(
            E.GRANT_NOT_ACTIVE,
            `The grant is ${g.status.toLowerCase()}: changes are requested on an active grant.`,
            {
              grantStatus: g.status,
            },
          );
        }
        const history = await termsHistory(m, grantId);
        const current = history[history.length - 1];
        const { content, flags, moved, memberChange } = await this.checked(m, g, current, dto);
        const rules = changeRulesOf(g.rules);
        const needsSecond =
          (memberChange && rules.secondApprovalOnMemberChange) || aboveThreshold(moved, g.amountOre, rules.secondApprovalAboveBp);
        const sha = createHash('sha256').update(JSON.stringify(content)).digest('hex');
        const n = await nextChangeRequestNumber(m, grantId);
        const entry = await this.journal.record(m, g.caseNumber, {
          direction: 'I',
          documentType: 'ENDRINGSSOKNAD',
          title: `Endringssøknad ${n}: ${g.content.title}`,
          counterpart: g.content.consortium.name,
          actor,
          at,
        });
        const row = await insertChangeRequest(m, {
          grantId,
          consortiumId: g.consortiumId,
          caseNumber: g.caseNumber,
          content,
          contentSha256: sha,
          flags,
          movedOre: moved,
          needsSecondApproval: needsSecond,
          submittedBy: actor.userId,
          at,
          journalSeq: entry.seq,
        });
        await this.audit.record(m, {
          action: 'grant_change.submitted',
          entityType: 'grant_change',
          entityId: row.id,
          before: null,
          after: { grantId, number: row.number, contentSha256: sha, flags, movedOre: moved, needsSecondApproval: needsSecond },
          actor,
        });
        await this.notifications.notify(m, {
          event: CHANGE_EVENTS.received,
          entityType: 'grant_change',
          entityId: row.id,
          recipients: recipientsOf(g.content),
          data: { changeRequestId: row.id },
          occurrence: `received:${row.id}`,
        });
        // the joining municipalities' applicants are asked for their consent
        for (const j of content.members?.joining ?? []) {
          const recipients = await activeApplicants(m, j.organisationId);
          if (!recipients.length) continue;
          await this.notifications.notify(m, {
            event: CHANGE_EVENTS.received,
            entityType: 'grant_change',
            entityId: row.id,
            recipients: recipients.map((u) => ({
              email: u.email,
              name: u.display_name,
              userId: u.id,
              language: languageOf(u.written_language ?? undefined),
            })),
            data: { changeRequestId: row.id },
            occurrence: `consent:${row.id}:${j.organisationId}`,
          });
        }
        const view = await this.view(m, actor, (await changeRequests(m, { id: row.id }))[0]);
        const body: ChangeRequestReceiptView = {
          changeRequestId: row.id,
          number: row.number,
          entryNumber: entry.entryNumber,
          receivedAt: at.toISOString(),
          contentSha256: sha,
          changeRequest: view,
        };
        return { status: 201, body };
      });
    });
    return result;
  }

  /** An applicant of a municipality the request asks to join consents for it. */
  async consent(actor: Actor, id: string, dto: ConsentDto): Promise<ChangeRequestView> {
    return this.dataSource.transaction(async (m) => {
      await this.policy.assert(m, actor, id, 'consent', { lock: true });
      const [r] = await changeRequests(m, { id });
      if (r.status === 'APPROVED' || r.status === 'REJECTED') {
        throw DomainError.conflict(E.REQUEST_DECIDED, `The change request is ${r.status.toLowerCase()}: consent no longer changes it.`, {
          currentState: r.status,
        });
      }
      const joining = (r.content.members?.joining ?? []).find((j) => j.municipalityNumber === dto.municipalityNumber);
      if (!joining) {
        throw DomainError.validation([
          { field: 'municipalityNumber', code: E.NOT_A_MEMBER, message: `${dto.municipalityNumber} is not asked to join by this request` },
        ]);
      }
      if (!actor.roles.includes('applicant') || !actor.organisationIds.includes(joining.organisationId)) {
        throw DomainError.forbidden(`Only an applicant of ${joining.name} consents for it.`, E.NOT_YOUR_MUNICIPALITY);
      }
      const at = this.clock.now();
      if (await insertConsent(m, id, joining.organisationId, actor.userId, at)) {
        await this.audit.record(m, {
          action: 'grant_change.member_consented',
          entityType: 'grant_change',
          entityId: id,
          before: null,
          after: { organisationId: joining.organisationId, municipalityNumber: joining.municipalityNumber },
          actor,
        });
        await this.journal.record(m, r.caseNumber, {
          direction: 'I',
          documentType: 'SAMTYKKE',
          title: `Samtykke til å gå inn i samarbeidet (endringssøknad ${r.number}): ${joining.name}`,
          counterpart: joining.name,
          actor,
          at,
        });
      }
      return this.view(m, actor, (await changeRequests(m, { id }))[0]);
    });
  }

  // ---- the officer's and the approver's decision -----------------------------------------------------------------

  async decide(
    actor: Actor,
    id: string,
    dto: DecideChangeRequestDto,
    idem?: IdempotentRequest,
  ): Promise<IdempotentResult<ChangeRequestView>> {
    return this.dataSource.transaction(async (m) => {
      const at = this.clock.now();
      return once(m, idem, at, async () => {
        await this.policy.assert(m, actor, id, 'decide', { lock: true });
        const reasons = dto.reasons.trim();
        if (dto.outcome === 'RECOMMEND') {
          const [r] = await changeRequests(m, { id });
          await this.engine.transition(m, GrantChangeWorkflow, id, 'recommend', actor, {
            at,
            reason: reasons,
            set: { decision_reasons: reasons },
          });
          await this.journal.record(m, r.caseNumber, {
            direction: 'N',
            documentType: 'ENDRING_INNSTILLING',
            title: `Innstilling om endringssøknad ${r.number}: godkjennes (til godkjenning hos leder)`,
            actor,
            at,
          });
        } else {
          await this.engine.transition(m, GrantChangeWorkflow, id, dto.outcome === 'APPROVE' ? 'approve' : 'reject', actor, {
            at,
            reason: reasons,
            set: { decision_reasons: reasons, decided_at: at.toISOString() },
          });
          await this.decided(m, actor, id, dto.outcome === 'APPROVE', reasons, at);
        }
        return { status: 200, body: await this.view(m, actor, (await changeRequests(m, { id }))[0]) };
      });
    });
  }

  async confirm(
    actor: Actor,
    id: string,
    dto: ConfirmChangeRequestDto,
    idem?: IdempotentRequest,
  ): Promise<IdempotentResult<ChangeRequestView>> {
    return this.dataSource.transaction(async (m) => {
      const at = this.clock.now();
      return once(m, idem, at, async () => {
        await this.policy.assert(m, actor, id, 'confirm', { lock: true });
        const reasons = dto.reasons.trim();
        await this.engine.transition(m, GrantChangeWorkflow, id, dto.outcome === 'APPROVE' ? 'confirm' : 'decline', actor, {
          at,
          reason: reasons,
          set: { decision_reasons: reasons, decided_at: at.toISOString() },
        });
        await this.decided(m, actor, id, dto.outcome === 'APPROVE', reasons, at);
        return { status: 200, body: await this.view(m, actor, (await changeRequests(m, { id }))[0]) };
      });
    });
  }

  /** After the transition to APPROVED or REJECTED: an approval takes effect; either way the letter goes out. */
  private async decided(m: EntityManager, actor: Actor, id: string, approved: boolean, reasons: string, at: Date): Promise<void> {
    const [r] = await changeRequests(m, { id });
    const g = (await grantForChange(m, r.grantId))!;
    const validFrom = osloDate(at).toString();
    if (approved) await this.takeEffect(m, actor, r, g, validFrom, at);
    await this.sendLetter(m, actor, r, g, approved, reasons, validFrom, at);
  }

  /** A new version of the grant's terms, valid from today; a later project end moves the final report (and its tranche). */
  private async takeEffect(m: EntityManager, actor: Actor, r: ChangeRequestRow, g: GrantForChange, validFrom: string, at: Date) {
    await lockGrantRow(m, g.id);
    const history = await termsHistory(m, g.id);
    const current = history[history.length - 1];
    const c = r.content;
    const leaving = new Set((c.members?.leaving ?? []).map((x) => x.organisationId));
    const changedTargets = new Map((c.indicators?.changed ?? []).map((x) => [x.indicatorId, x]));
    const next: GrantTerms = {
      version: current.version + 1,
      validFrom,
      projectEnd: c.projectEnd?.to ?? current.projectEnd,
      budgetLines: c.budget?.after ?? current.budgetLines,
      members: [...current.members.filter((x) => !leaving.has(x.organisationId)), ...(c.members?.joining ?? [])],
      indicators: [
        ...current.indicators.map((i) => {
          const t = changedTargets.get(i.indicatorId);
          return t ? { ...i, targetValue: t.targetValue, targetYear: t.targetYear } : i;
        }),
        ...(c.indicators?.added ?? []).map((a) => ({
          ...a,
          originalTargetValue: null,
          originalTargetYear: null,
          added: true,
        })),
      ],
      changeRequestId: r.id,
    };
    await insertTerms(m, g.id, next, at);
    if (c.projectEnd && c.projectEnd.to !== g.projectEnd) {
      await this.schedules.moveProjectEnd(m, actor, g.id, { projectEnd: c.projectEnd.to, reason: `endringssøknad ${r.number}` }, at);
    }
    await this.audit.record(m, {
      action: 'grant.terms_changed',
      entityType: 'grant',
      entityId: g.id,
      before: { termsVersion: current.version },
      after: { termsVersion: next.version, validFrom, changeRequestId: r.id },
      actor,
    });
  }

  private async sendLetter(
    m: EntityManager,
    actor: Actor,
    r: ChangeRequestRow,
    g: GrantForChange,
    approved: boolean,
    reasons: string,
    validFrom: string,
    at: Date,
  ): Promise<void> {
    const language = g.language;
    const w = WORDS[language];
    const c = r.content;
    const changes: string[] = [];
    if (c.projectEnd) changes.push(w.projectEnd(c.projectEnd.from, c.projectEnd.to));
    if (c.budget) changes.push(w.budget(formatKroner(r.movedOre)));
    if (c.members?.leaving.length) changes.push(w.leaving(c.members.leaving.map((x) => x.name).join(', ')));
    if (c.members?.joining.length) changes.push(w.joining(c.members.joining.map((x) => x.name).join(', ')));
    for (const t of c.indicators?.changed ?? []) changes.push(w.target(t.name, t.before.targetValue, t.targetValue));
    for (const a of c.indicators?.added ?? []) changes.push(w.added(a.name, a.targetValue));
    const officerName = await userDisplayName(m, actor.userId);
    const lead = g.content.consortium.members.find((x) => x.lead);
    const { html } = this.templates.renderLetter('change-letter', language, {
      caseNumber: g.caseNumber,
      sentAt: at,
      officerName: officerName ?? actor.email,
      leadName: lead?.name ?? g.content.consortium.leadMunicipality,
      recipientNames: [...new Set(g.content.contactPersons.map((x) => x.name))].join(', '),
      consortiumName: g.content.consortium.name,
      projectTitle: g.content.title,
      number: r.number,
      submittedAt: r.submittedAt,
      approved,
      changes,
      reasons: reasons
        .split(/\n\s*\n/)
        .map((x) => x.trim())
        .filter(Boolean),
      validFrom,
    });
    const title = w.title(r.number, g.content.title);
    const pdf = await renderPdfA(html, {
      title: `${title} (${g.caseNumber})`,
      author: 'Helsedirektoratet',
      subject: `Endringssøknad i sak ${g.caseNumber}`,
      language: language === 'nn' ? 'nn-NO' : 'nb-NO',
      createdAt: at,
    });
    const storedHtml = await this.storage.write(Readable.from([Buffer.from(html, 'utf8')]));
    const storedPdf = await this.storage.write(Readable.from([pdf]));
    const app = await m.getRepository(Application).findOneByOrFail({ id: g.applicationId });
    const filename = `endring-${g.caseNumber.replace('/', '-')}-${r.number}.pdf`;
    const entry = await this.correspondence.write(m, app, actor, at, {
      documentType: 'VEDTAK_ENDRING',
      title,
      event: CHANGE_EVENTS.decided,
      data: { changeRequestId: r.id },
      occurrence: `change-decided:${r.id}`,
      document: { key: storedPdf.key, sha256: storedPdf.sha256, mediaType: 'application/pdf' },
      attachments: [{ filename, contentType: 'application/pdf', storageKey: storedPdf.key, sha256: storedPdf.sha256 }],
    });
    await setLetter(m, r.id, {
      reasons,
      at,
      language,
      htmlKey: storedHtml.key,
      htmlSha256: storedHtml.sha256,
      pdfKey: storedPdf.key,
      pdfSha256: storedPdf.sha256,
      journalSeq: entry.seq,
    });
  }

  // ---- checks and views ------------------------------------------------------------------------------------------

  /** The request checked against the terms in force and the call's rules: refusals thrown, breaches of rules flagged. */
  private async checked(m: EntityManager, g: GrantForChange, current: GrantTerms, dto: SubmitChangeRequestDto) {
    const problems: FieldProblem[] = [];
    const flags: ChangeFlag[] = [];
    if (
      !dto.projectEnd &&
      !dto.budget &&
      !dto.members?.leaving?.length &&
      !dto.members?.joining?.length &&
      !dto.benefitPlan?.targets?.length &&
      !dto.benefitPlan?.newIndicators?.length
    ) {
      throw DomainError.validation([
        {
          field: 'projectEnd',
          code: E.NOTHING_TO_CHANGE,
          message: 'ask for at least one change: projectEnd, budget, members or benefitPlan',
        },
      ]);
    }
    const content: ChangeContent = {
      reasons: dto.reasons.trim(),
      basedOnTermsVersion: current.version,
      projectEnd: null,
      budget: null,
      members: null,
      indicators: null,
    };
    const end = dto.projectEnd ?? current.projectEnd;
    if (dto.projectEnd) {
      if (current.projectEnd && dto.projectEnd <= current.projectEnd) {
        problems.push({
          field: 'projectEnd',
          code: E.PROJECT_END_NOT_LATER,
          message: `must be later than the project end in force, ${current.projectEnd}`,
        });
      } else {
        const final = (await reportsOfGrant(m, g.id)).find((x) => x.scheduleKey === 'FINAL');
        if (final && final.status !== 'DRAFT') {
          problems.push({
            field: 'projectEnd',
            code: E.FINAL_REPORT_SUBMITTED,
            message: 'the final report is submitted: the project end can no longer move',
          });
        }
        if (dto.projectEnd > g.rules.projectPeriod.latestEnd) {
          flags.push({
            code: F.AFTER_LATEST_PROJECT_END,
            message: `the call lets projects run until ${g.rules.projectPeriod.latestEnd}; the new end is ${dto.projectEnd}`,
          });
        }
        content.projectEnd = { from: current.projectEnd, to: dto.projectEnd };
      }
    }
    let moved = 0;
    if (dto.budget) {
      const eligible = new Set(g.rules.costCategories.eligible.map((x) => x.code));
      const startYear = g.projectStart ? Number(g.projectStart.slice(0, 4)) : 0;
      const endYear = end ? Number(end.slice(0, 4)) : 9999;
      dto.budget.lines.forEach((l, i) => {
        if (!eligible.has(l.costCategory)) {
          problems.push({
            field: `budget.lines[${i}].costCategory`,
            code: E.UNKNOWN_COST_CATEGORY,
            message: `${l.costCategory} is not a cost category the call funds (${[...eligible].join(', ')})`,
          });
        }
        if (l.year < startYear || l.year > endYear) {
          problems.push({
            field: `budget.lines[${i}].year`,
            code: E.BUDGET_YEAR_OUTSIDE_PROJECT,
            message: `${l.year} is outside the project period ${startYear}–${endYear}`,
          });
        }
      });
      const before = current.budgetLines.reduce((s, l) => s + l.amountOre, 0);
      const after = dto.budget.lines.reduce((s, l) => s + l.amountOre, 0);
      if (before !== after) {
        problems.push({
          field: 'budget.lines',
          code: E.BUDGET_TOTAL_CHANGED,
          message: `the lines add up to ${formatKroner(after)}; the approved budget is ${formatKroner(before)} and a change only moves money within it`,
        });
      }
      const lines = dto.budget.lines.map((l) => ({
        costCategory: l.costCategory,
        year: l.year,
        amountOre: l.amountOre,
        description:
          l.description?.trim() ||
          current.budgetLines.find((x) => x.costCategory === l.costCategory && x.year === l.year)?.description ||
          l.costCategory,
      }));
      moved = movedOre(current.budgetLines, lines);
      content.budget = { before: current.budgetLines, after: lines };
    }
    let memberChange = false;
    const leavingNumbers = [...new Set(dto.members?.leaving ?? [])];
    const joiningNumbers = [...new Set(dto.members?.joining ?? [])];
    if (leavingNumbers.length || joiningNumbers.length) {
      memberChange = true;
      const leaving: TermsMember[] = [];
      leavingNumbers.forEach((n, i) => {
        const member = current.members.find((x) => x.municipalityNumber === n);
        if (!member)
          problems.push({
            field: `members.leaving[${i}]`,
            code: E.NOT_A_MEMBER,
            message: `${n} is not a member of the grant's consortium`,
          });
        else if (member.role === 'LEAD')
          problems.push({
            field: `members.leaving[${i}]`,
            code: E.LEAD_CANNOT_LEAVE,
            message: `${member.name} is the lead municipality and cannot leave`,
          });
        else leaving.push(member);
      });
      const found = await municipalityOrganisations(m, joiningNumbers);
      const joining: TermsMember[] = [];
      joiningNumbers.forEach((n, i) => {
        const o = found.find((x) => x.municipalityNumber === n);
        if (!o) problems.push({ field: `members.joining[${i}]`, code: E.UNKNOWN_MUNICIPALITY, message: `${n} is not a municipality` });
        else if (current.members.some((x) => x.organisationId === o.organisationId))
          problems.push({ field: `members.joining[${i}]`, code: E.ALREADY_A_MEMBER, message: `${o.name} is already a member` });
        else
          joining.push({
            organisationId: o.organisationId,
            municipalityNumber: n,
            name: o.name,
            role: 'MEMBER',
            healthRegion: o.healthRegion,
          });
      });
      const municipalitiesAfter =
        current.members.filter((x) => x.role !== 'HEALTH_TRUST' && !leaving.some((l) => l.organisationId === x.organisationId)).length +
        joining.length;
      if (municipalitiesAfter < g.rules.minMembers) {
        flags.push({
          code: F.BELOW_MIN_MEMBERS,
          message: `after the change the consortium has ${municipalitiesAfter} municipalities; the call requires at least ${g.rules.minMembers}`,
        });
      }
      for (const j of joining.filter((x) => x.healthRegion && g.rules.excludedHealthRegions.includes(x.healthRegion))) {
        flags.push({ code: F.EXCLUDED_HEALTH_REGION, message: `${j.name} is in ${j.healthRegion}, which the call excludes` });
      }
      content.members = { leaving, joining };
    }
    if (dto.benefitPlan?.targets?.length || dto.benefitPlan?.newIndicators?.length) {
      const changed: NonNullable<ChangeContent['indicators']>['changed'] = [];
      (dto.benefitPlan.targets ?? []).forEach((t, i) => {
        const ind = current.indicators.find((x) => x.indicatorId === t.indicatorId.toLowerCase());
        if (!ind) {
          problems.push({
            field: `benefitPlan.targets[${i}].indicatorId`,
            code: E.UNKNOWN_INDICATOR,
            message: `the benefit plan has no indicator ${t.indicatorId}`,
          });
          return;
        }
        changed.push({
          indicatorId: ind.indicatorId,
          name: ind.name,
          targetValue: canonical(t.targetValue),
          targetYear: t.targetYear ?? ind.targetYear,
          before: { targetValue: ind.targetValue, targetYear: ind.targetYear },
        });
      });
      const added = (dto.benefitPlan.newIndicators ?? []).map((a) => ({
        indicatorId: randomUUID(),
        name: a.name.trim(),
        unit: a.unit.trim(),
        baselineValue: a.baselineValue === undefined ? null : canonical(a.baselineValue),
        baselineDate: a.baselineDate ?? null,
        targetValue: canonical(a.targetValue),
        targetYear: a.targetYear,
      }));
      content.indicators = { changed, added };
    }
    if (problems.length) throw DomainError.unprocessable(problems[0].code, 'The change request cannot be submitted as it is.', problems);
    return { content, flags, moved, memberChange };
  }

  private async view(m: EntityManager, actor: Actor, r: ChangeRequestRow): Promise<ChangeRequestView> {
    const history = await this.engine.history(GrantChangeWorkflow, r.id, m);
    const missing = r.content.members?.joining.length ? await missingConsents(m, r.id) : [];
    const staff = !actor.roles.every((x) => x === 'applicant');
    return {
      id: r.id,
      grantId: r.grantId,
      caseNumber: r.caseNumber,
      number: r.number,
      status: r.status,
      content: r.content as unknown as Record<string, unknown>,
      contentSha256: r.contentSha256,
      flags: r.flags,
      movedOre: r.movedOre,
      needsSecondApproval: r.needsSecondApproval,
      consentMissing: missing.map((x) => x.name),
      consents: r.consents.map((c) => ({
        organisationId: c.organisationId,
        consentedBy: c.consentedBy,
        consentedAt: c.consentedAt.toISOString(),
      })),
      submittedBy: r.submittedBy,
      submittedAt: r.submittedAt.toISOString(),
      entryNumber: r.entryNumber,
      // a recommendation's reasons are the staff's until the decision
      decisionReasons: staff || r.status === 'APPROVED' || r.status === 'REJECTED' ? r.decisionReasons : null,
      decidedAt: r.decidedAt ? r.decidedAt.toISOString() : null,
      letter:
        r.letterEntryNumber && r.pdfSha256 && r.htmlSha256 && r.language
          ? { entryNumber: r.letterEntryNumber, language: r.language, pdfSha256: r.pdfSha256, htmlSha256: r.htmlSha256 }
          : null,
      allowedActions: this.engine.allowed(GrantChangeWorkflow, r.status, actor, history),
    };
  }
}
