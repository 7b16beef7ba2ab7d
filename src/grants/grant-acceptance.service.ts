import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ApplicationContent } from '../applications/application-content';
import { recipientsOf } from '../applications/application-notifications';
import { safeFilename, UploadedAttachment } from '../applications/attachments/attachments.service';
import { classify, detectContent } from '../applications/attachments/file-type';
import { CaseJournal } from '../applications/case-journal.service';
import { Actor } from '../common/actor';
import { Clock } from '../common/clock';
import { osloDate } from '../common/legal-deadline';
import { formatOsloDate } from '../common/oslo-time';
import { DomainError } from '../common/problem';
import { NotificationService } from '../notifications/notification.service';
import { FileStorage } from '../storage/storage.port';
import { WorkflowEngine } from '../workflow/workflow';
import { AcceptGrantDto, SignedAcceptanceDto } from './dto/grants.dto';
import { Grant } from './entities/grant.entity';
import { GRANT_EVENTS, lastDayToAccept } from './grant-notifications';
import { GrantEvents } from './grant-events';
import { GrantPolicy } from './grant.policy';
import { lockGrant, PaymentsService } from './payments/payments.service';
import { cancelOpenTranches } from './payments/tranches';
import { GrantWorkflow } from './grant.workflow';
import { GrantErrors as E } from './grants.errors';
import { grantCase, grantsPastAcceptance, lockLapsing } from './grants.queries';
import { GrantsService, GrantView } from './grants.service';
import { ReportSchedules } from './reports/report-schedules.service';

/** How many grants one sweep lets lapse at most (the next sweep takes the rest). */
const LAPSE_BATCH = 200;

/**
 * Acceptance of a grant's conditions (issue 11). The lead municipality's applicant accepts online, or an officer
 * records an acceptance signed outside the system (the signed PDF kept and journaled); either is an inbound (I)
 * journal entry and makes the grant ACTIVE. A grant not accepted by its deadline lapses (a sweep, lapseDue) and its
 * amount returns to the call's budget in the same transaction.
 */
@Injectable()
export class GrantAcceptanceService {
  private readonly logger = new Logger('GrantAcceptance');

  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: GrantPolicy,
    private readonly engine: WorkflowEngine,
    private readonly grants: GrantsService,
    private readonly journal: CaseJournal,
    private readonly notifications: NotificationService,
    private readonly storage: FileStorage,
    private readonly clock: Clock,
    private readonly reportSchedules: ReportSchedules,
    private readonly events: GrantEvents,
    private readonly payments: PaymentsService,
  ) {}

  /** The lead municipality's applicant accepts the conditions, before the deadline. */
  async accept(actor: Actor, id: string, dto: AcceptGrantDto): Promise<GrantView> {
    await this.dataSource.transaction(async (m) => {
      await this.policy.assert(m, actor, id, 'accept', { lock: true });
      const g = await m.getRepository(Grant).findOneByOrFail({ id });
      const at = this.clock.now();
      if (g.status === 'LAPSED' || (g.status === 'AWAITING_ACCEPTANCE' && at.getTime() >= new Date(g.acceptBy).getTime())) {
        throw deadlinePassed(g);
      }
      const name = dto.name.trim();
      const title = dto.title.trim();
      await this.engine.transition(m, GrantWorkflow, id, 'accept', actor, {
        at,
        set: {
          accepted_at: at.toISOString(),
          accepted_by_user: actor.userId,
          accepted_by_name: name,
          accepted_by_title: title,
          acceptance_channel: 'ONLINE',
        },
        details: { before: {}, after: { channel: 'ONLINE', name, title } },
      });
      // the grant is ACTIVE: the reports its call's schedule asks for are owed from now on
      await this.reportSchedules.generate(m, g, actor, at);
      // the payee registered with the acceptance, then the tranches due on acceptance become payable
      if (dto.payee) await this.payments.putPayee(m, (await lockGrant(m, id))!, dto.payee, actor, at);
      await this.events.accepted(m, id, actor, at);
      const c = await grantCase(m, g.applicationId);
      await this.journal.record(m, g.caseNumber, {
        direction: 'I',
        documentType: 'AKSEPT',
        title: `Aksept av tilsagn, elektronisk (${name}, ${title})`,
        counterpart: leadName(c.content),
        actor,
        at,
      });
    });
    return this.grants.get(actor, id);
  }

  /** Before the upload is read: the officer may record an acceptance of this grant. */
  async assertCanRecordSigned(actor: Actor, id: string): Promise<void> {
    await this.policy.assert(this.dataSource.manager, actor, id, 'manage');
  }

  /**
   * An officer records an acceptance signed outside the system: the signed PDF is kept (its SHA-256 with the grant and
   * the journal entry). What counts against the deadline is the day it was signed: a letter signed in time and
   * registered after the deadline still holds, unless the grant has lapsed meanwhile.
   */
  async recordSigned(actor: Actor, id: string, file: UploadedAttachment | undefined, dto: SignedAcceptanceDto): Promise<GrantView> {
    if (!file) {
      throw DomainError.validation([
        { field: 'file', code: E.DOCUMENT_REQUIRED, message: 'send the signed acceptance as a PDF (multipart/form-data, field "file")' },
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
      if (kind.fileType !== 'pdf') {
        const message = `${filename} is a ${kind.fileType} document; the signed acceptance must be a PDF`;
        throw new DomainError(415, E.DOCUMENT_NOT_PDF, `The file was refused: ${message}.`, [
          { field: 'file', code: E.DOCUMENT_NOT_PDF, message },
        ]);
      }
      await this.dataSource.transaction(async (m) => {
        await this.policy.assert(m, actor, id, 'manage', { lock: true });
        const g = await m.getRepository(Grant).findOneByOrFail({ id });
        const at = this.clock.now();
        const today = osloDate(at).toString();
        const signedOn = dto.signedOn ?? today;
        const madeOn = osloDate(new Date(g.createdAt)).toString();
        if (signedOn > today || signedOn < madeOn) {
          const message = `signedOn must be between the day the grant was made (${madeOn}) and today (${today})`;
          throw DomainError.validation([{ field: 'signedOn', code: E.SIGNED_ON_OUT_OF_RANGE, message }]);
        }
        if (g.status === 'LAPSED' || (g.status === 'AWAITING_ACCEPTANCE' && signedOn > lastDayToAccept(g.acceptBy))) {
          throw deadlinePassed(g);
        }
        const name = dto.name.trim();
        const title = dto.title.trim();
        await this.engine.transition(m, GrantWorkflow, id, 'accept', actor, {
          at,
          set: {
            accepted_at: at.toISOString(),
            accepted_by_user: null,
            accepted_by_name: name,
            accepted_by_title: title,
            acceptance_channel: 'SIGNED_DOCUMENT',
            acceptance_document_key: file.key,
            acceptance_document_sha256: file.sha256,
            acceptance_signed_on: signedOn,
          },
          details: { before: {}, after: { channel: 'SIGNED_DOCUMENT', name, title, signedOn, documentSha256: file.sha256 } },
        });
        await this.reportSchedules.generate(m, g, actor, at);
        await this.events.accepted(m, id, actor, at);
        const c = await grantCase(m, g.applicationId);
        await this.journal.record(m, g.caseNumber, {
          direction: 'I',
          documentType: 'AKSEPT',
          title: `Signert aksept av tilsagn, datert ${formatOsloDate(new Date(`${signedOn}T12:00:00Z`))} (${name}, ${title})`,
          counterpart: leadName(c.content),
          actor,
          at,
          document: { key: file.key, sha256: file.sha256, mediaType: 'application/pdf' },
        });
      });
    } catch (e) {
      await this.storage.remove(file.key);
      throw e;
    }
    return this.grants.get(actor, id);
  }

  /**
   * Lets every grant still awaiting acceptance at its deadline lapse, each in its own transaction: the state (actor
   * 'system'), its amount back to the call's budget, an internal (N) journal entry and a mail to the consortium.
   * Idempotent and safe beside other workers (a grant another has locked is skipped; one already moved on is left).
   * Returns the ids of the grants it let lapse.
   */
  async lapseDue(now = this.clock.now()): Promise<string[]> {
    const lapsed: string[] = [];
    const failures: string[] = [];
    for (const id of await grantsPastAcceptance(this.dataSource.manager, now, LAPSE_BATCH)) {
      try {
        if (await this.dataSource.transaction((m) => this.lapseIn(m, id, now))) lapsed.push(id);
      } catch (e) {
        failures.push(`${id}: ${(e as Error).message}`);
      }
    }
    if (failures.length) this.logger.error(`could not let ${failures.length} grant(s) lapse: ${failures.join('; ')}`);
    return lapsed;
  }

  private async lapseIn(m: EntityManager, id: string, now: Date): Promise<boolean> {
    if (!(await lockLapsing(m, id, now))) return false;
    const g = await m.getRepository(Grant).findOneByOrFail({ id });
    const lastDay = lastDayToAccept(g.acceptBy);
    const lastDayWritten = formatOsloDate(new Date(new Date(g.acceptBy).getTime() - 1));
    await this.engine.transition(m, GrantWorkflow, id, 'lapse', 'system', {
      at: now,
      reason: `not accepted by the deadline (${lastDay})`,
    });
    await this.grants.commit(m, g.callId, -g.amountOre);
    await cancelOpenTranches(m, this.engine, id, 'the grant lapsed', now);
    await this.journal.record(m, g.caseNumber, {
      direction: 'N',
      documentType: 'NOTAT',
      title: `Tilsagnet har falt bort: ikke akseptert innen fristen ${lastDayWritten}`,
      at: now,
    });
    const c = await grantCase(m, g.applicationId);
    await this.notifications.notify(m, {
      event: GRANT_EVENTS.lapsed,
      entityType: 'grant',
      entityId: g.id,
      recipients: recipientsOf(c.content),
      occurrence: g.id,
    });
    return true;
  }
}

function deadlinePassed(g: Grant): DomainError {
  const acceptBy = new Date(g.acceptBy).toISOString();
  const lastDay = lastDayToAccept(g.acceptBy);
  return new DomainError(
    422,
    E.ACCEPTANCE_DEADLINE_PASSED,
    `The deadline to accept this grant was ${lastDay} (Oslo); it can no longer be accepted.`,
    undefined,
    { acceptBy, lastDay },
  );
}

/** Who an acceptance comes from: the lead municipality, as the frozen version names it. */
function leadName(content: ApplicationContent): string {
  return content.consortium.members.find((x) => x.lead)?.name ?? content.consortium.leadMunicipality;
}
