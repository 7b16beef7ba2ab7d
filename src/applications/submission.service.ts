import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { WorkflowEngine } from '../workflow/workflow';
import { CallsService } from '../calls/calls.service';
import { Clock } from '../common/clock';
import { Call } from '../calls/entities/call.entity';
import { osloYear } from '../common/oslo-time';
import { DomainError, FieldProblem } from '../common/problem';
import { NotificationService } from '../notifications/notification.service';
import { ApplicationContent, contentSha256 } from './application-content';
import { ApplicationWorkflow, EDITABLE_STATES } from './application.workflow';
import { ApplicationErrors as E, EligibilityErrors } from './applications.errors';
import { ApplicationsService, ApplicationView } from './applications.service';
import { CaseJournal } from './case-journal.service';
import { checkEligibility, consents, EligibilityContext, municipalitiesTaken } from './eligibility';
import { ApplicationVersion, Attachment, Application } from './entities/application.entity';
import { WithdrawDto } from './dto/applications.dto';
import { APPLICATION_EVENTS, recipientsOf } from './application-notifications';
import { Actor } from '../common/actor';
import { projectSubmittedVersion } from './submitted-facts.queries';
import { holdMunicipalities, municipalitiesHeldByOthers, releaseMunicipalities } from './applications.queries';

export interface ValidationResult {
  applicationId: string;
  submittable: boolean;
  problems: FieldProblem[];
  /** Hash of exactly the content that was checked; a submission of unchanged content freezes the same hash. */
  contentSha256: string;
  checkedAt: string;
}

/** From draft to a numbered, frozen, journaled case (and back out, by withdrawal). */
@Injectable()
export class SubmissionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly applications: ApplicationsService,
    private readonly calls: CallsService,
    private readonly workflow: WorkflowEngine,
    private readonly journal: CaseJournal,
    private readonly notifications: NotificationService,
    private readonly clock: Clock,
  ) {}

  async validate(actor: Actor, id: string): Promise<ValidationResult> {
    const m = this.dataSource.manager;
    const app = await this.applications.find(m, actor, id);
    const call = await this.calls.load(m, app.callId);
    const content = await this.applications.liveContent(m, id, call);
    const now = this.clock.now();
    const problems = checkEligibility(content, await this.context(m, app, call, now));
    // a submitted application may have no content problems and still not be submittable: it is frozen
    const submittable = problems.length === 0 && EDITABLE_STATES.includes(app.status);
    return { applicationId: id, submittable, problems, contentSha256: contentSha256(content), checkedAt: now.toISOString() };
  }

  /**
   * Submits (or resubmits after a return for completion) in one transaction: the checks, the case number, the
   * municipalities held in the call, the frozen version, the inbound journal entry and the receipt.
   */
  async submit(actor: Actor, id: string): Promise<ApplicationView> {
    return this.dataSource.transaction(async (m) => {
      const app = await this.applications.find(m, actor, id, 'write');
      this.applications.assertEditable(app);
      // shared lock: the call's rules cannot change under a submission that is being checked against them
      const call = await this.calls.load(m, app.callId, 'read');
      const content = await this.applications.liveContent(m, id, call);
      const now = this.clock.now();
      const problems = checkEligibility(content, await this.context(m, app, call, now));
      if (problems.length) throw notSubmittable(problems);

      // held from here until commit: a concurrent submission with the same municipality waits, then finds it taken
      if (call.rules.oneApplicationPerMunicipality) await this.holdMunicipalities(m, app, content);

      const version = app.currentVersion + 1;
      await m.getRepository(ApplicationVersion).insert({
        applicationId: id,
        version,
        callVersion: call.version,
        content,
        contentSha256: contentSha256(content),
        submittedAt: now,
        submittedBy: actor.userId,
      });
      // its budget lines, members and indicators as rows that later modules reference, from the frozen JSON just written
      await projectSubmittedVersion(m, id, version);
      await m
        .getRepository(Attachment)
        .update({ applicationId: id, firstSubmittedVersion: IsNull(), removedAt: IsNull() }, { firstSubmittedVersion: version });
      await this.notifications.notify(m, {
        event: APPLICATION_EVENTS.submitted,
        entityType: 'application',
        entityId: id,
        recipients: recipientsOf(content),
        data: { version },
        occurrence: `v${version}`,
      });
      // Last, as they lock what every submission shares until commit: the year's case-number counter (gap-free
      // numbering) and the audit chain. Everything above runs side by side with other submissions.
      const caseNumber =
        app.caseNumber ?? (await this.journal.openCase(m, { applicationId: id, title: content.title, at: now, year: osloYear(now) }));
      await this.workflow.transition(m, ApplicationWorkflow, id, 'submit', actor, {
        set: {
          case_number: caseNumber,
          current_version: version,
          submitted_at: now.toISOString(),
          completion_due_at: null,
          updated_at: now.toISOString(),
        },
      });
      await this.journal.record(m, caseNumber, {
        direction: 'I',
        documentType: 'SOKNAD',
        title: version === 1 ? `Søknad: ${content.title}` : `Komplettert søknad (versjon ${version}): ${content.title}`,
        counterpart: content.consortium.name,
        applicationVersion: version,
        actor,
        at: now,
      });
      return this.applications.view(await m.getRepository(Application).findOneByOrFail({ id }), content);
    });
  }

  async withdraw(actor: Actor, id: string, dto: WithdrawDto): Promise<ApplicationView> {
    return this.dataSource.transaction(async (m) => {
      const app = await this.applications.find(m, actor, id, 'write');
      await this.workflow.transition(m, ApplicationWorkflow, id, 'withdraw', actor, {
        reason: dto.reason,
        set: { completion_due_at: null, updated_at: this.clock.now().toISOString() },
      });
      await releaseMunicipalities(m, id);
      if (app.caseNumber) {
        await this.journal.record(m, app.caseNumber, {
          direction: 'I',
          documentType: 'TILBAKETREKKING',
          title: `Søknaden er trukket: ${app.title}`,
          actor,
          at: this.clock.now(),
        });
      }
      return this.applications.current(m, actor, await m.getRepository(Application).findOneByOrFail({ id }));
    });
  }

  private async context(m: EntityManager, app: Application, call: Call, now: Date): Promise<EligibilityContext> {
    const first =
      app.currentVersion > 0 ? await m.getRepository(ApplicationVersion).findOneBy({ applicationId: app.id, version: 1 }) : null;
    return {
      now,
      call,
      completionDueAt: app.status === 'RETURNED' ? app.completionDueAt : null,
      firstSubmittedAt: first?.submittedAt ?? null,
      taken: await this.taken(m, app),
    };
  }

  /** Municipalities other applications of the call hold, with their case numbers. */
  private async taken(m: EntityManager, app: Application) {
    const rows = await municipalitiesHeldByOthers(m, app.callId, app.id);
    return rows.map((t) => ({ municipalityNumber: t.municipality_number, caseNumber: t.case_number }));
  }

  /**
   * UNIQUE(call_id, municipality_number) decides races: ON CONFLICT DO NOTHING waits for a concurrent insert of
   * the same municipality to commit, then skips it, and the skipped ones are reported like the validation does.
   * Rows go in in number order, so two submissions sharing two municipalities wait for each other, never deadlock.
   */
  private async holdMunicipalities(m: EntityManager, app: Application, content: ApplicationContent): Promise<void> {
    await releaseMunicipalities(m, app.id);
    const numbers = content.consortium.members.flatMap((x) => (x.municipalityNumber && consents(x) ? [x.municipalityNumber] : [])).sort();
    const held = await holdMunicipalities(m, app.callId, app.id, numbers);
    if (held.length === numbers.length) return;
    const problems = municipalitiesTaken(content, await this.taken(m, app));
    throw notSubmittable(problems);
  }
}

function notSubmittable(problems: FieldProblem[]) {
  const deadline = problems.find(
    (p) => p.code === EligibilityErrors.DEADLINE_PASSED || p.code === EligibilityErrors.COMPLETION_DEADLINE_PASSED,
  );
  const unconfirmed = problems.filter((p) => p.code === EligibilityErrors.MEMBER_NOT_CONFIRMED).map((p) => p.message.split(' has not ')[0]);
  return DomainError.unprocessable(
    E.NOT_SUBMITTABLE,
    deadline
      ? `The application cannot be submitted: ${deadline.message}.`
      : unconfirmed.length
        ? `The application cannot be submitted: every member must confirm its membership first; not yet confirmed: ${unconfirmed.join(', ')}.`
        : `The application cannot be submitted: ${problems.length} problem(s) must be fixed first.`,
    problems,
  );
}
