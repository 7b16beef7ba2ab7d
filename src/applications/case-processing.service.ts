import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { WorkflowEngine } from '../workflow/workflow';
import { Clock } from '../common/clock';
import { formatOsloShort, parseOsloDateTime } from '../common/oslo-time';
import { DomainError } from '../common/problem';
import { Actor } from '../common/actor';
import { ApplicantCorrespondence } from './applicant-correspondence.service';
import { APPLICATION_EVENTS } from './application-notifications';
import { ApplicationWorkflow } from './application.workflow';
import { ApplicationErrors as E } from './applications.errors';
import { ApplicationsService, ApplicationView } from './applications.service';
import { ExtendCompletionDto, FormalCheckDto, ReturnForCompletionDto } from './dto/applications.dto';
import { Application, ApplicationVersion } from './entities/application.entity';
import { OrganisationsService } from '../organisations/organisations.service';

const DEFAULT_COMPLETION_DAYS = 14;

/** The officer's steps on a submitted case: the formal check, return for completion and its deadline. */
@Injectable()
export class CaseProcessingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly applications: ApplicationsService,
    private readonly workflow: WorkflowEngine,
    private readonly correspondence: ApplicantCorrespondence,
    private readonly clock: Clock,
    private readonly organisations: OrganisationsService,
  ) {}

  /**
   * Formalia: eligible goes on to assessment; rejected (avvist) needs the reason the applicant is told. An application
   * returned for completion and not resubmitted by its deadline can be rejected, judged on the version it has.
   * Either way the applicant is written to (an outgoing letter in the journal and the mail).
   */
  async formalCheck(actor: Actor, id: string, dto: FormalCheckDto): Promise<ApplicationView> {
    return this.dataSource.transaction(async (m) => {
      const app = await this.applications.find(m, actor, id, 'process');
      const now = this.clock.now();
      const eligible = dto.outcome === 'eligible';
      if (eligible) await this.assertLettersAccepted(m, app);
      if (app.status === 'RETURNED' && !eligible && now.getTime() <= app.completionDueAt!.getTime()) {
        throw DomainError.conflict(
          E.COMPLETION_PENDING,
          `The applicant has until ${formatOsloShort(app.completionDueAt!)} to complete and resubmit; reject it after that deadline.`,
        );
      }
      await this.workflow.transition(m, ApplicationWorkflow, id, eligible ? 'accept_formally' : 'reject_formally', actor, {
        reason: dto.reason,
        set: { completion_due_at: null, updated_at: now.toISOString() },
      });
      await this.correspondence.write(m, app, actor, now, {
        ...(eligible
          ? { documentType: 'FORMALIA', title: `Formalia: søknaden går videre til vurdering` }
          : { documentType: 'AVVISNING', title: `Avvisning: søknaden oppfyller ikke kravene` }),
        event: APPLICATION_EVENTS.formalCheck,
        data: { outcome: dto.outcome, reason: dto.reason ?? null },
        occurrence: `v${app.currentVersion}`,
      });
      return this.applications.current(m, actor, await m.getRepository(Application).findOneByOrFail({ id }));
    });
  }

  /** The one way a submitted application changes: the officer returns it, the applicant completes and resubmits. */
  async returnForCompletion(actor: Actor, id: string, dto: ReturnForCompletionDto): Promise<ApplicationView> {
    const now = this.clock.now();
    const dueAt = dto.dueAt ? futureDueAt(dto.dueAt, now) : new Date(now.getTime() + DEFAULT_COMPLETION_DAYS * 86400000);
    return this.dataSource.transaction(async (m) => {
      const app = await this.applications.find(m, actor, id, 'process');
      await this.workflow.transition(m, ApplicationWorkflow, id, 'return_for_completion', actor, {
        reason: dto.reason,
        set: { completion_due_at: dueAt.toISOString(), updated_at: now.toISOString() },
      });
      await this.correspondence.write(m, app, actor, now, {
        documentType: 'KOMPLETTERING',
        title: `Søknaden er returnert for komplettering`,
        event: APPLICATION_EVENTS.returned,
        data: { reason: dto.reason, dueAt: dueAt.toISOString() },
        occurrence: `v${app.currentVersion}`,
      });
      return this.applications.current(m, actor, await m.getRepository(Application).findOneByOrFail({ id }));
    });
  }

  /**
   * Moves a returned application's completion deadline later (fristutsettelse), with the reason the applicant is
   * told: journaled as an outgoing letter, audited with the old and new deadline, and mailed to the contacts.
   * A deadline is never shortened: the applicant may already be planning by it.
   */
  async extendCompletion(actor: Actor, id: string, dto: ExtendCompletionDto): Promise<ApplicationView> {
    const now = this.clock.now();
    const dueAt = futureDueAt(dto.dueAt, now);
    return this.dataSource.transaction(async (m) => {
      // read under the row lock find() takes for processing: two officers extending at once are checked one after the other
      const app = await this.applications.find(m, actor, id, 'process');
      const current = app.completionDueAt;
      if (current && dueAt.getTime() <= new Date(current).getTime()) {
        throw DomainError.validation([
          {
            field: 'dueAt',
            code: E.DEADLINE_NOT_LATER,
            message: `the new deadline must be later than the current one (${formatOsloShort(new Date(current))})`,
          },
        ]);
      }
      await this.workflow.transition(m, ApplicationWorkflow, id, 'extend_completion', actor, {
        reason: dto.reason,
        set: { completion_due_at: dueAt.toISOString(), updated_at: now.toISOString() },
        details: {
          before: { completionDueAt: current ? new Date(current).toISOString() : null },
          after: { completionDueAt: dueAt.toISOString() },
        },
      });
      await this.correspondence.write(m, app, actor, now, {
        documentType: 'FRISTUTSETTELSE',
        title: `Fristen for komplettering er utsatt til ${formatOsloShort(dueAt)}`,
        event: APPLICATION_EVENTS.completionExtended,
        data: { reason: dto.reason, dueAt: dueAt.toISOString() },
        occurrence: `v${app.currentVersion}:${dueAt.toISOString()}`,
      });
      return this.applications.current(m, actor, await m.getRepository(Application).findOneByOrFail({ id }));
    });
  }

  /**
   * A member that consented by letter of intent counts only once the officer has accepted the letter: the formal check
   * cannot find the application eligible while one of the submitted version's members still waits for that.
   */
  private async assertLettersAccepted(m: EntityManager, app: Application): Promise<void> {
    const { content } = await m.getRepository(ApplicationVersion).findOneByOrFail({ applicationId: app.id, version: app.currentVersion });
    const frozen = new Set(content.consortium.members.map((x) => x.organisationId));
    // the application's own rule (process) has let the officer in; its consortium follows it
    const consortium = await this.organisations.consortiumOf(m, app.consortiumId);
    const waiting = consortium.members.filter((x) => frozen.has(x.organisationId) && x.status === 'LETTER_SUBMITTED');
    if (waiting.length) {
      throw DomainError.conflict(
        E.LETTER_OF_INTENT_NOT_ACCEPTED,
        `Accept or reject the letters of intent first (POST /consortia/{id}/members/{organisationId}/letter-of-intent/accept); waiting: ${waiting.map((x) => x.name).join(', ')}.`,
        { members: waiting.map((x) => ({ organisationId: x.organisationId, name: x.name })) },
      );
    }
  }
}

/** A completion deadline given by an officer: Oslo wall-clock or an ISO instant, and in the future. */
function futureDueAt(input: string, now: Date): Date {
  const parsed = parseOsloDateTime(input);
  if (!parsed.ok) throw DomainError.validation([{ field: 'dueAt', code: parsed.code, message: parsed.message }]);
  if (parsed.instant.getTime() <= now.getTime())
    throw DomainError.validation([
      { field: 'dueAt', code: E.INVALID_DUE_DATE, message: 'the deadline for completion must be in the future' },
    ]);
  return parsed.instant;
}
