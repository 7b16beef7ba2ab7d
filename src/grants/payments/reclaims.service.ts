import { Injectable, OnModuleInit } from '@nestjs/common';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { ApplicantCorrespondence } from '../../applications/applicant-correspondence.service';
import { ApplicationContent } from '../../applications/application-content';
import { Application, ApplicationVersion } from '../../applications/entities/application.entity';
import { AuditService } from '../../audit/audit.service';
import { Actor } from '../../common/actor';
import { Clock } from '../../common/clock';
import { osloDate } from '../../common/legal-deadline';
import { DomainError } from '../../common/problem';
import { IdempotentRequest, IdempotentResult, once } from '../../database/idempotency';
import { renderPdfA } from '../../documents/pdf-document';
import { NotificationService } from '../../notifications/notification.service';
import { FileStorage } from '../../storage/storage.port';
import { TemplateRenderer } from '../../templates/template-renderer';
import { WorkflowEngine } from '../../workflow/workflow';
import { WorkflowErrors } from '../../workflow/workflow.errors';
import { reclaimInterest, splitRepayment } from './interest';
import { insertRepayment } from './interest.queries';
import { reclaimsOf, ReclaimRowView } from './ledger';
import { PaymentErrors as E } from './payments.errors';
import {
  decisionLanguage,
  grantIdOfReclaim,
  insertRaisedReclaim,
  nextReclaimNumber,
  paidAndReclaimedOre,
  paidOre,
  reclaimDemandMailRow,
  reclaimLetterRow,
  setReclaimDueOn,
  userDisplayName,
} from './payments.queries';
import { lockGrant, LockedGrant, PaymentsService } from './payments.service';
import { ReclaimPolicy } from './reclaim.policy';
import { ReclaimWorkflow } from './reclaim.workflow';

export const RECLAIM_DEMANDED_EVENT = 'reclaim.demanded';

const LETTER_VARIABLES = [
  'caseNumber',
  'sentAt',
  'officerName',
  'leadName',
  'recipientNames',
  'consortiumName',
  'projectTitle',
  'grantedOre',
  'paidOre',
  'amountOre',
  'settlement',
  'reasons',
  'dueOn',
  'reference',
];
const MAIL_VARIABLES = ['caseNumber', 'projectTitle', 'amountOre', 'dueOn'];

const WORDS = {
  nb: { title: (p: string) => `Krav om tilbakebetaling av tilskudd – ${p}` },
  nn: { title: (p: string) => `Krav om tilbakebetaling av tilskot – ${p}` },
} as const;

/**
 * Reclaims (tilbakebetaling): raised by an officer (misuse, conditions broken …) or proposed by the final settlement,
 * demanded by a letter in the lead municipality's language (HTML and PDF/A, stored by hash, an outgoing journal entry,
 * mailed with the PDF), then settled: repaid in full or in part, and what is left written off by an approver.
 */
@Injectable()
export class ReclaimsService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly engine: WorkflowEngine,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly policy: ReclaimPolicy,
    private readonly payments: PaymentsService,
    private readonly templates: TemplateRenderer,
    private readonly storage: FileStorage,
    private readonly correspondence: ApplicantCorrespondence,
    private readonly notifications: NotificationService,
  ) {}

  onModuleInit() {
    this.templates.require('letter', 'reclaim-letter', LETTER_VARIABLES);
    this.notifications.define({
      event: RECLAIM_DEMANDED_EVENT,
      template: 'reclaim-demand',
      // a demand with a deadline must reach the party
      mandatory: true,
      variables: MAIL_VARIABLES,
      resolve: async ({ manager, data }) => {
        const r = await reclaimDemandMailRow(manager, (data as { reclaimId: string }).reclaimId);
        return r ? { caseNumber: r.case_number, projectTitle: r.title, amountOre: r.amount_ore, dueOn: r.due_on } : null;
      },
    });
  }

  /** An officer raises a reclaim and demands it at once: at most what was paid less the reclaims before it. */
  async raise(
    actor: Actor,
    grantId: string,
    dto: { amountOre: number; kind: string; reasons: string; dueOn: string },
    idem?: IdempotentRequest,
  ): Promise<IdempotentResult<ReclaimRowView>> {
    return this.dataSource.transaction(async (m) => {
      const at = this.clock.now();
      return once(m, idem, at, async () => {
        if (this.policy.filter(actor, 'manage').none) throw DomainError.forbidden();
        const g = await lockGrant(m, grantId);
        if (!g || !['ACTIVE', 'SUSPENDED', 'TERMINATED', 'COMPLETED'].includes(g.status)) {
          if (!g) throw DomainError.notFound('Grant', grantId);
          throw DomainError.conflict(
            E.GRANT_NOT_ACTIVE,
            `The grant is ${g.status.toLowerCase().replace(/_/g, ' ')}: nothing was paid to reclaim.`,
          );
        }
        checkDueOn(dto.dueOn, at);
        const reclaimableOre = await reclaimable(m, grantId);
        if (dto.amountOre > reclaimableOre) {
          throw new DomainError(
            422,
            E.RECLAIM_ABOVE_PAID,
            `At most ${reclaimableOre} øre can be reclaimed: what was paid, less the reclaims already raised.`,
            undefined,
            { reclaimableOre },
          );
        }
        const reclaimId = await insertRaisedReclaim(m, {
          grantId,
          number: await nextReclaimNumber(m, grantId),
          kind: dto.kind,
          amountOre: dto.amountOre,
          reasons: dto.reasons,
          dueOn: dto.dueOn,
          raisedBy: actor.userId,
          at,
        });
        await this.audit.record(m, {
          action: 'reclaim.raise',
          entityType: 'reclaim',
          entityId: reclaimId,
          before: null,
          after: { grantId, kind: dto.kind, amountOre: dto.amountOre, dueOn: dto.dueOn, reasons: dto.reasons },
          actor,
        });
        await this.demand(m, g, reclaimId, dto.dueOn, actor, at);
        return { status: 201, body: this.withInterest((await reclaimsOf(m, { id: reclaimId }))[0]) };
      });
    });
  }

  /** An officer confirms the settlement's proposal (with a due date): the demand letter goes out. */
  async confirm(actor: Actor, id: string, dueOn: string, idem?: IdempotentRequest): Promise<IdempotentResult<ReclaimRowView>> {
    return this.step(actor, id, 'manage', idem, async (m, g, at) => {
      checkDueOn(dueOn, at);
      await setReclaimDueOn(m, id, dueOn);
      await this.demand(m, g, id, dueOn, actor, at);
    });
  }

  async dismiss(actor: Actor, id: string, reason: string, idem?: IdempotentRequest): Promise<IdempotentResult<ReclaimRowView>> {
    return this.step(actor, id, 'manage', idem, async (m, g, at) => {
      await this.engine.transition(m, ReclaimWorkflow, id, 'dismiss', actor, { at, reason, set: { dismiss_reason: reason } });
      await this.payments.completeIfDone(m, g.id, at);
    });
  }

  /** Money received against the reclaim; in full, the reclaim is REPAID (and the grant may be done). */
  async repayment(
    actor: Actor,
    id: string,
    dto: { amountOre: number; receivedOn?: string; note?: string },
    idem?: IdempotentRequest,
  ): Promise<IdempotentResult<ReclaimRowView>> {
    return this.step(actor, id, 'manage', idem, async (m, g, at) => {
      const [r] = await reclaimsOf(m, { id });
      if (r.status !== 'DEMANDED') {
        throw DomainError.conflict(
          WorkflowErrors.INVALID_STATE_TRANSITION,
          `A repayment is recorded against a demanded reclaim; this one is ${r.status.toLowerCase().replace(/_/g, ' ')}.`,
          { currentState: r.status },
        );
      }
      const receivedOn = dto.receivedOn ?? osloDate(at).toString();
      // interest first, then the principal: the split is recorded with the repayment
      const owed = reclaimInterest(r, receivedOn);
      const split = splitRepayment({
        amountOre: dto.amountOre,
        interestOwedOre: owed?.outstandingOre ?? 0,
        principalOutstandingOre: r.outstandingOre,
      });
      if (!split) {
        const totalOre = owed?.totalOutstandingOre ?? r.outstandingOre;
        throw new DomainError(
          422,
          E.REPAYMENT_ABOVE_OUTSTANDING,
          `Only ${totalOre} øre is outstanding on this reclaim on ${receivedOn} (${r.outstandingOre} øre principal, ${owed?.outstandingOre ?? 0} øre late-payment interest).`,
          undefined,
          { outstandingOre: totalOre, principalOre: r.outstandingOre, interestOre: owed?.outstandingOre ?? 0 },
        );
      }
      await insertRepayment(m, {
        reclaimId: id,
        grantId: g.id,
        principalOre: split.principalOre,
        interestOre: split.interestOre,
        receivedOn,
        note: dto.note ?? null,
        recordedBy: actor.userId,
        at,
      });
      await this.audit.record(m, {
        action: 'reclaim.repayment',
        entityType: 'reclaim',
        entityId: id,
        before: { repaidOre: r.repaidOre },
        after: {
          repaidOre: r.repaidOre + split.principalOre,
          amountOre: dto.amountOre,
          principalOre: split.principalOre,
          interestOre: split.interestOre,
          receivedOn,
        },
        actor,
      });
      if (split.principalOre === r.outstandingOre) {
        await this.engine.transition(m, ReclaimWorkflow, id, 'repaid', actor, { at, reason: 'paid back in full' });
        await this.payments.completeIfDone(m, g.id, at);
      }
    });
  }

  async proposeWriteOff(actor: Actor, id: string, reason: string, idem?: IdempotentRequest): Promise<IdempotentResult<ReclaimRowView>> {
    return this.step(actor, id, 'manage', idem, async (m, _g, at) => {
      await this.engine.transition(m, ReclaimWorkflow, id, 'propose_write_off', actor, { at, reason, set: { write_off_reason: reason } });
    });
  }

  /** The approver (not who proposed it) writes off what is left, or sends the reclaim back to being demanded. */
  async decideWriteOff(
    actor: Actor,
    id: string,
    confirm: boolean,
    note: string | undefined,
    idem?: IdempotentRequest,
  ): Promise<IdempotentResult<ReclaimRowView>> {
    return this.step(actor, id, 'approve', idem, async (m, g, at) => {
      if (confirm) {
        await this.engine.transition(m, ReclaimWorkflow, id, 'confirm_write_off', actor, { at, reason: note });
        await this.payments.completeIfDone(m, g.id, at);
      } else {
        await this.engine.transition(m, ReclaimWorkflow, id, 'reject_write_off', actor, {
          at,
          reason: note,
          set: { write_off_reason: null },
        });
      }
    });
  }

  async get(actor: Actor, id: string): Promise<ReclaimRowView> {
    await this.policy.assert(this.dataSource.manager, actor, id, 'read');
    return this.withInterest((await reclaimsOf(this.dataSource.manager, { id }))[0]);
  }

  /** The reclaim with its late-payment interest as of today (Oslo), computed on demand. */
  withInterest(r: ReclaimRowView): ReclaimRowView {
    return { ...r, interest: reclaimInterest(r, osloDate(this.clock.now()).toString()) };
  }

  /** The demand letter as sent, as HTML or PDF. */
  async letter(
    actor: Actor,
    id: string,
    format: 'html' | 'pdf',
  ): Promise<{ stream: Readable; contentType: string; filename: string; sha256: string }> {
    await this.policy.assert(this.dataSource.manager, actor, id, 'read');
    const r = await reclaimLetterRow(this.dataSource.manager, id);
    if (!r.html_key) throw new DomainError(404, E.NO_LETTER, 'The reclaim has no letter yet: it is sent when the reclaim is demanded.');
    const base = `tilbakebetaling-${r.case_number.replace('/', '-')}-${r.number}`;
    return format === 'html'
      ? { stream: this.storage.read(r.html_key), contentType: 'text/html; charset=utf-8', filename: `${base}.html`, sha256: r.html_sha256 }
      : { stream: this.storage.read(r.pdf_key), contentType: 'application/pdf', filename: `${base}.pdf`, sha256: r.pdf_sha256 };
  }

  private async step(
    actor: Actor,
    id: string,
    level: 'manage' | 'approve',
    idem: IdempotentRequest | undefined,
    work: (m: EntityManager, g: LockedGrant, at: Date) => Promise<void>,
  ): Promise<IdempotentResult<ReclaimRowView>> {
    return this.dataSource.transaction(async (m) => {
      const at = this.clock.now();
      return once(m, idem, at, async () => {
        await this.policy.assert(m, actor, id, level);
        const g = (await lockGrant(m, await grantIdOfReclaim(m, id)))!;
        await work(m, g, at);
        return { status: 200, body: this.withInterest((await reclaimsOf(m, { id }))[0]) };
      });
    });
  }

  /**
   * The demand: PROPOSED → DEMANDED, and the letter in the lead municipality's language, rendered, stored, journaled
   * (U, with the PDF's SHA-256) and mailed with the PDF, all in the caller's transaction.
   */
  private async demand(m: EntityManager, g: LockedGrant, id: string, dueOn: string, actor: Actor, at: Date): Promise<void> {
    const [r] = await reclaimsOf(m, { id });
    const app = await m.getRepository(Application).findOneByOrFail({ id: g.applicationId });
    const content: ApplicationContent = (
      await m.getRepository(ApplicationVersion).findOneByOrFail({ applicationId: app.id, version: app.currentVersion })
    ).content;
    const language = await decisionLanguage(m, g.decisionId);
    const paid = await paidOre(m, g.id);
    const officerName = await userDisplayName(m, actor.userId);
    const lead = content.consortium.members.find((x) => x.lead);
    const reference = `TB-${g.caseNumber.replace('/', '-')}-${r.number}`;
    const { html } = this.templates.renderLetter('reclaim-letter', language, {
      caseNumber: g.caseNumber,
      sentAt: at,
      officerName: officerName ?? actor.email,
      leadName: lead?.name ?? content.consortium.leadMunicipality,
      recipientNames: [...new Set(content.contactPersons.map((c) => c.name))].join(', '),
      consortiumName: content.consortium.name,
      projectTitle: content.title,
      grantedOre: g.amountOre,
      paidOre: paid,
      amountOre: r.amountOre,
      settlement: r.kind === 'SETTLEMENT',
      // the officer's paragraphs (a blank line between) stay paragraphs, as in the decision letters
      reasons: r.reasons
        .split(/\n\s*\n/)
        .map((x) => x.trim())
        .filter(Boolean),
      dueOn,
      reference,
    });
    const title = WORDS[language].title(content.title);
    const pdf = await renderPdfA(html, {
      title: `${title} (${g.caseNumber})`,
      author: 'Helsedirektoratet',
      subject: `Tilbakebetaling i sak ${g.caseNumber}`,
      language: language === 'nn' ? 'nn-NO' : 'nb-NO',
      createdAt: at,
    });
    const storedHtml = await this.storage.write(Readable.from([Buffer.from(html, 'utf8')]));
    const storedPdf = await this.storage.write(Readable.from([pdf]));
    const entry = await this.correspondence.write(m, app, actor, at, {
      documentType: 'TILBAKEBETALING',
      title,
      event: RECLAIM_DEMANDED_EVENT,
      data: { reclaimId: id },
      occurrence: `reclaim:${id}`,
      document: { key: storedPdf.key, sha256: storedPdf.sha256, mediaType: 'application/pdf' },
      attachments: [{ filename: `${reference}.pdf`, contentType: 'application/pdf', storageKey: storedPdf.key, sha256: storedPdf.sha256 }],
    });
    await this.engine.transition(m, ReclaimWorkflow, id, 'confirm', actor, {
      at,
      set: {
        due_on: dueOn,
        language,
        html_key: storedHtml.key,
        html_sha256: storedHtml.sha256,
        pdf_key: storedPdf.key,
        pdf_sha256: storedPdf.sha256,
        case_number: g.caseNumber,
        journal_seq: entry.seq,
      },
      details: { before: {}, after: { amountOre: r.amountOre, dueOn, letter: entry.entryNumber, pdfSha256: storedPdf.sha256 } },
    });
  }
}

/** What can still be reclaimed: paid, less every reclaim raised (dismissed ones aside). */
async function reclaimable(m: EntityManager, grantId: string): Promise<number> {
  const b = await paidAndReclaimedOre(m, grantId);
  return b.paid - b.reclaimed;
}

function checkDueOn(dueOn: string, at: Date): void {
  if (dueOn <= osloDate(at).toString()) {
    throw DomainError.validation([{ field: 'dueOn', code: E.DUE_DATE_NOT_AFTER_TODAY, message: 'the due date must be after today' }]);
  }
}
