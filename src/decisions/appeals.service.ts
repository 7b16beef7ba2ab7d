import { Injectable, OnModuleInit } from '@nestjs/common';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { recipientsOf } from '../applications/application-notifications';
import { ApplicationErrors } from '../applications/applications.errors';
import { UploadedAttachment, safeFilename } from '../applications/attachments/attachments.service';
import { classify, CONTENT_TYPES, detectContent } from '../applications/attachments/file-type';
import { CaseJournal } from '../applications/case-journal.service';
import { AuditService } from '../audit/audit.service';
import { decisionRulesOf } from '../calls/call-rules';
import { Actor } from '../common/actor';
import { Clock } from '../common/clock';
import { appealDeadline, isWithin, osloDate } from '../common/legal-deadline';
import { formatOsloNorwegian } from '../common/oslo-time';
import { DomainError } from '../common/problem';
import { isUuid } from '../common/uuid';
import { AppConfig } from '../config/app-config';
import { NotificationService } from '../notifications/notification.service';
import { languageOf } from '../organisations/entities/municipality.entity';
import { FileStorage } from '../storage/storage.port';
import { WorkflowEngine } from '../workflow/workflow';
import { AppealPolicy } from './appeal.policy';
import { AppealWorkflow } from './appeal.workflow';
import { DecisionPolicy } from './decision.policy';
import { DecisionErrors as E } from './decisions.errors';
import {
  appealAttachmentCount,
  appealFacts,
  appealIdsOfDecision,
  appealMailRow,
  ApplicationForDecision,
  applicationForDecision,
  latestAppealOf,
  reversalInPreparation,
} from './decisions.queries';
import { DecisionsService, DecisionView } from './decisions.service';
import { AppealOutcomeDto, ForwardAppealDto, LodgeAppealDto } from './dto/appeals.dto';
import { AppealAttachmentView, AppealView } from './dto/appeals.views';
import { DraftDecisionDto } from './dto/decisions.dto';
import { Appeal, AppealAttachment, AppealBodyOutcome, Decision, DecisionLetter } from './entities/decision.entity';

export const APPEAL_EVENTS = {
  received: 'appeal.received',
  forwarded: 'appeal.forwarded',
  decided: 'appeal.decided',
} as const;

/** The appeal body's outcomes as the case journal names them (the journal is kept in bokmål). */
const OUTCOME_TITLE: Record<AppealBodyOutcome, string> = {
  UPHELD: 'vedtaket opprettholdt',
  REVERSED: 'vedtaket omgjort',
  PARTLY_REVERSED: 'vedtaket delvis omgjort',
  DISMISSED: 'klagen avvist',
};

/**
 * Appeals (klage, forvaltningsloven §§ 28–34). The lead municipality's applicant appeals a sent decision within three
 * weeks of its letter (counted as domstolloven §§ 148–149 say, in Norway); after that the officer may still admit it
 * with a reason (§ 31). The officer then either drafts a reversal (a new decision through the same four eyes, whose
 * approval supersedes the appealed one, adjusts the grant and the budget and reverses the appeal, all in
 * DecisionsService) or upholds the decision and forwards the appeal to the appeal body with a recommendation (§ 33),
 * and records that body's outcome. Every step is in the case journal and the audit trail, and the applicant is told.
 */
@Injectable()
export class AppealsService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly decisionPolicy: DecisionPolicy,
    private readonly policy: AppealPolicy,
    private readonly decisions: DecisionsService,
    private readonly engine: WorkflowEngine,
    private readonly journal: CaseJournal,
    private readonly notifications: NotificationService,
    private readonly storage: FileStorage,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onModuleInit() {
    const facts = async (m: EntityManager, appealId: string) => {
      return appealMailRow(m, appealId);
    };
    this.notifications.define({
      event: APPEAL_EVENTS.received,
      template: 'appeal-received',
      // the receipt is the party's proof that the appeal came in, and when
      mandatory: true,
      variables: ['caseNumber', 'projectTitle', 'receivedAt', 'deadline', 'late'],
      resolve: async ({ entityId, manager }) => {
        const r = await facts(manager, entityId);
        if (!r) return null;
        return {
          caseNumber: r.case_number,
          projectTitle: r.title,
          receivedAt: formatOsloNorwegian(new Date(r.received_at)),
          deadline: r.deadline,
          late: r.late,
        };
      },
    });
    this.notifications.define({
      event: APPEAL_EVENTS.forwarded,
      template: 'appeal-forwarded',
      // the party is told the appeal went on, and gets the recommendation to comment on (§ 33)
      mandatory: true,
      variables: ['caseNumber', 'projectTitle', 'appealBody', 'recommendation'],
      resolve: async ({ entityId, manager }) => {
        const r = await facts(manager, entityId);
        if (!r || !r.appeal_body) return null;
        return { caseNumber: r.case_number, projectTitle: r.title, appealBody: r.appeal_body, recommendation: r.recommendation };
      },
    });
    this.notifications.define({
      event: APPEAL_EVENTS.decided,
      template: 'appeal-decided',
      mandatory: true,
      variables: ['caseNumber', 'projectTitle', 'appealBody', 'upheld', 'reversed', 'partlyReversed', 'dismissed', 'decidedOn', 'note'],
      resolve: async ({ entityId, manager }) => {
        const r = await facts(manager, entityId);
        if (!r || r.status !== 'CLOSED') return null;
        return {
          caseNumber: r.case_number,
          projectTitle: r.title,
          appealBody: r.appeal_body,
          upheld: r.appeal_body_outcome === 'UPHELD',
          reversed: r.appeal_body_outcome === 'REVERSED',
          partlyReversed: r.appeal_body_outcome === 'PARTLY_REVERSED',
          dismissed: r.appeal_body_outcome === 'DISMISSED',
          decidedOn: r.appeal_body_decided_on,
          note: r.appeal_body_note,
        };
      },
    });
  }

  // ---- lodging -------------------------------------------------------------------------------------------------

  /**
   * An appeal of a sent decision, under the decision's row lock (two at once cannot both be the one pending). In time
   * is up to midnight in Norway at the end of the letter's deadline day; later, only an officer registers it, with the
   * reason it is still considered.
   */
  async lodge(actor: Actor, decisionId: string, dto: LodgeAppealDto): Promise<AppealView> {
    const id = await this.dataSource.transaction(async (m) => {
      await this.decisionPolicy.assert(m, actor, decisionId, 'lodge', { lock: true });
      const mayAdmit = await this.decisionPolicy.allows(m, actor, decisionId, 'admit');
      if (dto.lateAdmissionReason !== undefined && !mayAdmit) {
        throw DomainError.forbidden(
          'Only the officer admits an appeal after the deadline (forvaltningsloven § 31); leave out lateAdmissionReason.',
          E.LATE_ADMISSION_BY_OFFICER,
        );
      }
      const d = await m.getRepository(Decision).findOneByOrFail({ id: decisionId });
      if (d.status !== 'SENT') {
        throw DomainError.conflict(
          E.DECISION_NOT_APPEALABLE,
          d.status === 'SUPERSEDED'
            ? 'This decision was replaced by a later one after an appeal; appeal the decision in force.'
            : 'Only a decision that has been sent can be appealed.',
          { decisionStatus: d.status },
        );
      }
      const open = await latestAppealOf(m, decisionId);
      if (open && (open.status === 'RECEIVED' || open.status === 'FORWARDED')) {
        throw DomainError.conflict(
          E.APPEAL_PENDING,
          'An appeal of this decision is already being handled; add documents to it (POST /appeals/{id}/attachments).',
          { appealId: open.id },
        );
      }
      if (open) {
        throw DomainError.conflict(E.DECISION_NOT_APPEALABLE, 'The appeal body has decided the appeal of this decision; it is final.', {
          appealId: open.id,
        });
      }
      const letter = await m.getRepository(DecisionLetter).findOneByOrFail({ decisionId });
      const deadline = appealDeadline(letter.sentAt);
      const at = this.clock.now();
      const late = !isWithin(at, deadline);
      if (late && !mayAdmit) {
        throw new DomainError(
          422,
          E.APPEAL_TOO_LATE,
          `The appeal deadline ran out at the end of ${deadline.lastDay} (Norwegian time): three weeks from the letter of ${osloDate(letter.sentAt).toString()}, moved past weekends and public holidays. Contact the directorate if there is a reason it should still be considered.`,
          undefined,
          { deadline: deadline.lastDay },
        );
      }
      if (late && !dto.lateAdmissionReason) {
        throw new DomainError(
          422,
          E.LATE_ADMISSION_REASON_REQUIRED,
          `The appeal came after the deadline of ${deadline.lastDay}: admitting it needs a reason (forvaltningsloven § 31).`,
          [{ field: 'lateAdmissionReason', code: E.LATE_ADMISSION_REASON_REQUIRED, message: 'required for an appeal after the deadline' }],
          { deadline: deadline.lastDay },
        );
      }
      const app = (await applicationForDecision(m, d.applicationId))!;
      const repo = m.getRepository(Appeal);
      const appeal = repo.create({
        status: 'RECEIVED',
        decisionId,
        applicationId: d.applicationId,
        grounds: dto.grounds,
        receivedAt: at,
        deadline: deadline.lastDay,
        late,
        lateAdmissionReason: late ? dto.lateAdmissionReason! : null,
        lodgedBy: actor.userId,
        recommendation: null,
        appealBody: null,
        forwardedAt: null,
        appealBodyOutcome: null,
        appealBodyDecidedOn: null,
        appealBodyNote: null,
        createdAt: at,
        updatedAt: at,
      });
      await repo.insert(appeal);
      await this.audit.record(m, {
        action: 'appeal.lodge',
        entityType: 'appeal',
        entityId: appeal.id,
        before: null,
        after: { status: 'RECEIVED', decisionId, deadline: deadline.lastDay, late, lateAdmissionReason: appeal.lateAdmissionReason },
        actor,
      });
      await this.journal.record(m, app.caseNumber, {
        direction: 'I',
        documentType: 'KLAGE',
        title: late ? 'Klage på vedtak, mottatt etter klagefristen og tatt under behandling (fvl. § 31)' : 'Klage på vedtak',
        counterpart: app.content.consortium.name,
        actor,
        at,
      });
      await this.tell(m, app, APPEAL_EVENTS.received, appeal.id);
      return appeal.id;
    });
    return this.get(actor, id);
  }

  /** Before a byte of the body is read: the caller may add documents to this appeal, and it is still open. */
  async assertCanAttach(actor: Actor, appealId: string): Promise<void> {
    await this.policy.assert(this.dataSource.manager, actor, appealId, 'attach');
    const appeal = await this.dataSource.getRepository(Appeal).findOneByOrFail({ id: appealId });
    assertOpen(appeal, ['RECEIVED', 'FORWARDED']);
  }

  /** A document supporting the grounds: checked by content as an application's attachments are, journaled as inbound. */
  async attach(actor: Actor, appealId: string, file: UploadedAttachment | undefined): Promise<AppealAttachmentView> {
    if (!file) {
      throw DomainError.validation([
        { field: 'file', code: ApplicationErrors.FILE_MISSING, message: 'send the document as multipart/form-data in the field "file"' },
      ]);
    }
    try {
      const filename = safeFilename(file.originalname);
      const detected = await detectContent(file.head, file.sizeBytes, (start, end) => this.storage.readRange(file.key, start, end));
      const kind = classify(filename, detected);
      if (!kind.ok) {
        throw new DomainError(415, kind.code, `The file was refused: ${kind.message}.`, [
          { field: 'file', code: kind.code, message: kind.message },
        ]);
      }
      return await this.dataSource.transaction(async (m) => {
        await this.policy.assert(m, actor, appealId, 'attach', { lock: true });
        const appeal = await m.getRepository(Appeal).findOneByOrFail({ id: appealId });
        assertOpen(appeal, ['RECEIVED', 'FORWARDED']);
        const n = await appealAttachmentCount(m, appealId);
        const max = this.config.maxAttachmentsPerApplication;
        if (n + 1 > max) {
          const message = `the appeal already has ${n} attachments, the most it may have is ${max}`;
          throw new DomainError(409, ApplicationErrors.TOO_MANY_ATTACHMENTS, `Too many attachments: ${message}.`, [
            { field: 'file', code: ApplicationErrors.TOO_MANY_ATTACHMENTS, message },
          ]);
        }
        const at = this.clock.now();
        const repo = m.getRepository(AppealAttachment);
        const row = repo.create({
          appealId,
          filename,
          mediaType: CONTENT_TYPES[kind.fileType],
          sizeBytes: file.sizeBytes,
          sha256: file.sha256,
          storageKey: file.key,
          createdAt: at,
        });
        await repo.insert(row);
        const app = (await applicationForDecision(m, appeal.applicationId))!;
        await this.journal.record(m, app.caseNumber, {
          direction: 'I',
          documentType: 'KLAGE_VEDLEGG',
          title: `Vedlegg til klage: ${filename}`,
          counterpart: app.content.consortium.name,
          actor,
          at,
          document: { key: file.key, sha256: file.sha256, mediaType: row.mediaType },
        });
        const view = attachmentView(row);
        await this.audit.record(m, {
          action: 'appeal.attachment_added',
          entityType: 'appeal',
          entityId: appealId,
          before: null,
          after: view,
          actor,
        });
        return view;
      });
    } catch (e) {
      await this.storage.remove(file.key);
      throw e;
    }
  }

  /** A document of the appeal as it came in, for whoever may read the appeal. */
  async openAttachment(
    actor: Actor,
    appealId: string,
    attachmentId: string,
  ): Promise<{ attachment: AppealAttachmentView; stream: Readable }> {
    await this.policy.assert(this.dataSource.manager, actor, appealId, 'read');
    const a = isUuid(attachmentId) ? await this.dataSource.getRepository(AppealAttachment).findOneBy({ id: attachmentId, appealId }) : null;
    if (!a) throw DomainError.notFound('Attachment', attachmentId);
    return { attachment: attachmentView(a), stream: this.storage.read(a.storageKey) };
  }

  // ---- handling ------------------------------------------------------------------------------------------------

  /**
   * The directorate reverses its decision in full or in part (§ 33): a new decision on the decided application,
   * linked to the appeal and to the decision it would replace, through the same propose and approve as any other.
   */
  async draftReversal(actor: Actor, appealId: string, dto: DraftDecisionDto): Promise<DecisionView> {
    const decisionId = await this.dataSource.transaction(async (m) => {
      const appeal = await this.lockForHandling(m, actor, appealId);
      assertOpen(appeal, ['RECEIVED']);
      const appealed = await m.getRepository(Decision).findOneByOrFail({ id: appeal.decisionId });
      if (appealed.status !== 'SENT') {
        throw DomainError.conflict(E.APPEAL_NOT_OPEN, 'The appealed decision is no longer the one in force.', {
          decisionStatus: appealed.status,
        });
      }
      const app = (await applicationForDecision(m, appeal.applicationId, true))!;
      // no allocation proposal: the amount is the officer's (or the most the rules allow), not the proposal's
      const d = await this.decisions.createDraft(m, actor, app, dto, { proposalId: null, appealId, supersedesId: appealed.id });
      await this.journal.record(m, app.caseNumber, {
        direction: 'N',
        documentType: 'KLAGE_OMGJORING',
        title: `Utkast til nytt vedtak etter klage (${d.outcome})`,
        actor,
        at: this.clock.now(),
      });
      return d.id;
    });
    return this.decisions.get(actor, decisionId);
  }

  /** The directorate upholds its decision: the appeal goes to the appeal body with its recommendation (§ 33). */
  async forward(actor: Actor, appealId: string, dto: ForwardAppealDto): Promise<AppealView> {
    await this.dataSource.transaction(async (m) => {
      const appeal = await this.lockForHandling(m, actor, appealId);
      assertOpen(appeal, ['RECEIVED']);
      const busy = await reversalInPreparation(m, appealId);
      if (busy) {
        throw DomainError.conflict(
          E.DECISION_IN_PREPARATION,
          'A reversal of the decision is being prepared on this appeal: discard it before forwarding the appeal.',
          { decisionId: busy.id },
        );
      }
      const app = (await applicationForDecision(m, appeal.applicationId))!;
      const language = languageOf(app.content.consortium.members.find((x) => x.lead)?.writtenLanguage);
      const appealBody = decisionRulesOf(app.rules).appealBody[language];
      const at = this.clock.now();
      await this.engine.transition(m, AppealWorkflow, appealId, 'forward', actor, {
        at,
        reason: dto.recommendation,
        set: { recommendation: dto.recommendation, appeal_body: appealBody, forwarded_at: at.toISOString() },
      });
      await this.journal.record(m, app.caseNumber, {
        direction: 'U',
        documentType: 'KLAGE_OVERSENDELSE',
        title: `Oversendelse av klage til ${appealBody} med innstilling`,
        counterpart: appealBody,
        actor,
        at,
      });
      await this.tell(m, app, APPEAL_EVENTS.forwarded, appealId);
    });
    return this.get(actor, appealId);
  }

  /** The appeal body's decision came in: the appeal is closed with its outcome, journaled as inbound. */
  async recordOutcome(actor: Actor, appealId: string, dto: AppealOutcomeDto): Promise<AppealView> {
    await this.dataSource.transaction(async (m) => {
      const appeal = await this.lockForHandling(m, actor, appealId);
      assertOpen(appeal, ['FORWARDED']);
      const at = this.clock.now();
      const today = osloDate(at).toString();
      const forwardedOn = osloDate(appeal.forwardedAt!).toString();
      if (dto.decidedOn > today || dto.decidedOn < forwardedOn) {
        const message = `the appeal body decided between the day the appeal was forwarded (${forwardedOn}) and today (${today})`;
        throw DomainError.unprocessable(E.APPEAL_BODY_DATE_INVALID, `decidedOn ${dto.decidedOn} cannot be right: ${message}.`, [
          { field: 'decidedOn', code: E.APPEAL_BODY_DATE_INVALID, message },
        ]);
      }
      await this.engine.transition(m, AppealWorkflow, appealId, 'record_outcome', actor, {
        at,
        reason: dto.outcome,
        set: { appeal_body_outcome: dto.outcome, appeal_body_decided_on: dto.decidedOn, appeal_body_note: dto.note ?? null },
      });
      const app = (await applicationForDecision(m, appeal.applicationId))!;
      await this.journal.record(m, app.caseNumber, {
        direction: 'I',
        documentType: 'KLAGEVEDTAK',
        title: `Klagevedtak fra ${appeal.appealBody}: ${OUTCOME_TITLE[dto.outcome]}`,
        counterpart: appeal.appealBody,
        actor,
        at,
      });
      await this.tell(m, app, APPEAL_EVENTS.decided, appealId);
    });
    return this.get(actor, appealId);
  }

  // ---- reading -------------------------------------------------------------------------------------------------

  async get(actor: Actor, id: string): Promise<AppealView> {
    const m = this.dataSource.manager;
    await this.policy.assert(m, actor, id, 'read');
    return this.view(m, actor, await m.getRepository(Appeal).findOneByOrFail({ id }));
  }

  /** The appeals of a decision the actor may see, oldest first. */
  async forDecision(actor: Actor, decisionId: string): Promise<{ items: AppealView[] }> {
    const m = this.dataSource.manager;
    await this.decisionPolicy.assert(m, actor, decisionId, 'read');
    const params: unknown[] = [decisionId];
    const bind = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const ids = await appealIdsOfDecision(m, this.policy.filter(actor, 'read').sql('p', bind), params);
    const items: AppealView[] = [];
    for (const id of ids) items.push(await this.view(m, actor, await m.getRepository(Appeal).findOneByOrFail({ id })));
    return { items };
  }

  private async view(m: EntityManager, actor: Actor, a: Appeal): Promise<AppealView> {
    const facts = await appealFacts(m, a.id);
    const attachments = await m.getRepository(AppealAttachment).find({ where: { appealId: a.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    const view: AppealView = {
      id: a.id,
      status: a.status,
      decisionId: a.decisionId,
      applicationId: a.applicationId,
      caseNumber: facts.case_number,
      grounds: a.grounds,
      receivedAt: a.receivedAt.toISOString(),
      deadline: facts.deadline,
      late: a.late,
      lateAdmissionReason: a.lateAdmissionReason,
      lodgedBy: a.lodgedBy,
      recommendation: a.recommendation,
      appealBody: a.appealBody,
      forwardedAt: a.forwardedAt?.toISOString() ?? null,
      appealBodyOutcome: a.appealBodyOutcome,
      appealBodyDecidedOn: facts.decided_on,
      appealBodyNote: a.appealBodyNote,
      reversal: facts.reversal_id ? { decisionId: facts.reversal_id, status: facts.reversal_status! } : null,
      attachments: attachments.map(attachmentView),
      updatedAt: a.updatedAt.toISOString(),
    };
    if (await this.policy.allows(m, actor, a.id, 'internal')) {
      view.history = (await this.engine.history(AppealWorkflow, a.id, m)).map((h) => ({
        event: h.event,
        from: h.from,
        to: h.to,
        actorUserId: h.actorUserId,
        reason: h.reason,
        occurredAt: h.occurredAt.toISOString(),
      }));
    }
    return view;
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  private async lockForHandling(m: EntityManager, actor: Actor, appealId: string): Promise<Appeal> {
    await this.policy.assert(m, actor, appealId, 'handle', { lock: true });
    return m.getRepository(Appeal).findOneByOrFail({ id: appealId });
  }

  /** A mail to the consortium's contact persons in the lead municipality's language, once per appeal and event. */
  private async tell(m: EntityManager, app: ApplicationForDecision, event: string, appealId: string): Promise<void> {
    await this.notifications.notify(m, {
      event,
      entityType: 'appeal',
      entityId: appealId,
      recipients: recipientsOf(app.content),
      data: {},
      occurrence: appealId,
    });
  }
}

function assertOpen(appeal: Appeal, states: readonly string[]): void {
  if (!states.includes(appeal.status)) {
    throw DomainError.conflict(
      E.APPEAL_NOT_OPEN,
      `The appeal is ${appeal.status.toLowerCase()}; this step needs it ${states.join(' or ').toLowerCase()}.`,
      {
        currentState: appeal.status,
      },
    );
  }
}

function attachmentView(a: AppealAttachment): AppealAttachmentView {
  return {
    id: a.id,
    filename: a.filename,
    mediaType: a.mediaType,
    sizeBytes: a.sizeBytes,
    sha256: a.sha256,
    uploadedAt: new Date(a.createdAt).toISOString(),
  };
}
