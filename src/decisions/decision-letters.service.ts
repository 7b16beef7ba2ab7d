import { Injectable, OnModuleInit } from '@nestjs/common';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { ApplicantCorrespondence } from '../applications/applicant-correspondence.service';
import { Application } from '../applications/entities/application.entity';
import { decisionRulesOf, maxShareFor } from '../calls/call-rules';
import { Actor } from '../common/actor';
import { appealDeadline, osloDate } from '../common/legal-deadline';
import { formatBpNorwegian } from '../common/money';
import { osloYear } from '../common/oslo-time';
import { DomainError } from '../common/problem';
import { renderPdfA } from '../documents/pdf-document';
import { Grant } from '../grants/entities/grant.entity';
import { scheduledReports } from '../grants/report-schedule';
import { NotificationService } from '../notifications/notification.service';
import { FileStorage } from '../storage/storage.port';
import { Language } from '../templates/language';
import { TemplateRenderer } from '../templates/template-renderer';
import { WorkflowEngine } from '../workflow/workflow';
import { DecisionPolicy } from './decision.policy';
import { DecisionWorkflow } from './decision.workflow';
import { DecisionErrors as E } from './decisions.errors';
import { ApplicationForDecision, decisionMailRow, userName } from './decisions.queries';
import { Decision, DecisionLetter } from './entities/decision.entity';

export const DECISION_SENT_EVENT = 'decision.sent';

const GRANT_LETTER_VARIABLES = [
  'caseNumber',
  'sentAt',
  'officerName',
  'approverName',
  'leadName',
  'recipientNames',
  'consortiumName',
  'projectTitle',
  'callTitle',
  'amountOre',
  'requestedOre',
  'projectStart',
  'projectEnd',
  'maxSharePercent',
  'partial',
  'partialReason',
  'legalBasis',
  'afterAppeal',
  'reasons',
  'conditions',
  'reports',
  'tranches',
  'acceptBy',
  'appealDeadline',
  'appealBody',
];
const REJECTION_LETTER_VARIABLES = [
  'caseNumber',
  'sentAt',
  'officerName',
  'approverName',
  'leadName',
  'recipientNames',
  'consortiumName',
  'projectTitle',
  'callTitle',
  'requestedOre',
  'legalBasis',
  'afterAppeal',
  'reasons',
  'appealDeadline',
  'appealBody',
];
const MAIL_VARIABLES = ['caseNumber', 'projectTitle', 'granted', 'partly', 'amountOre', 'acceptBy', 'appealDeadline'];

const WORDS = {
  nb: {
    grantTitle: (p: string) => `Vedtak om tilskudd – ${p}`,
    rejectionTitle: (p: string) => `Vedtak om avslag – ${p}`,
    partialReason: 'Tilsagnet er begrenset av tilskuddsandelen i regelverket og av rammen for utlysningen; se begrunnelsen nedenfor.',
    progress: (year: number) => `Framdriftsrapport ${year}`,
    final: 'Sluttrapport med regnskap',
    when: {
      ACCEPTANCE: 'når vilkårene er akseptert',
      PROGRESS_REPORT_APPROVED: 'når framdriftsrapporten er godkjent',
      FINAL_REPORT_APPROVED: 'når sluttrapporten med regnskap er godkjent',
    },
  },
  nn: {
    grantTitle: (p: string) => `Vedtak om tilskot – ${p}`,
    rejectionTitle: (p: string) => `Vedtak om avslag – ${p}`,
    partialReason: 'Tilsegnet er avgrensa av tilskotsdelen i regelverket og av ramma for utlysinga; sjå grunngjevinga nedanfor.',
    progress: (year: number) => `Framdriftsrapport ${year}`,
    final: 'Sluttrapport med rekneskap',
    when: {
      ACCEPTANCE: 'når vilkåra er aksepterte',
      PROGRESS_REPORT_APPROVED: 'når framdriftsrapporten er godkjend',
      FINAL_REPORT_APPROVED: 'når sluttrapporten med rekneskap er godkjend',
    },
  },
} as const;

/**
 * The decision letter (tilsagnsbrev or avslagsbrev) in the lead municipality's written language: rendered from
 * templates/letters as HTML and laid out as PDF/A-2b, both stored with their SHA-256, registered as an outgoing (U)
 * journal entry with the PDF, and mailed to the contact persons with the PDF attached, in the approving transaction.
 */
@Injectable()
export class DecisionLetters implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly templates: TemplateRenderer,
    private readonly storage: FileStorage,
    private readonly correspondence: ApplicantCorrespondence,
    private readonly notifications: NotificationService,
    private readonly engine: WorkflowEngine,
    private readonly policy: DecisionPolicy,
  ) {}

  onModuleInit() {
    this.templates.require('letter', 'grant-letter', GRANT_LETTER_VARIABLES);
    this.templates.require('letter', 'rejection-letter', REJECTION_LETTER_VARIABLES);
    this.notifications.define({
      event: DECISION_SENT_EVENT,
      template: 'decision-letter',
      // an individual decision (enkeltvedtak) must reach the party
      mandatory: true,
      variables: MAIL_VARIABLES,
      // the mail is about the application (entityId), the letter of one of its decisions (data.decisionId)
      resolve: async ({ data, manager }) => {
        if (typeof data.decisionId !== 'string') return null;
        const row = await decisionMailRow(manager, data.decisionId);
        if (!row) return null;
        return {
          caseNumber: row.case_number,
          projectTitle: row.title,
          granted: row.outcome !== 'REJECTED',
          partly: row.outcome === 'PARTLY_GRANTED',
          amountOre: row.amount_ore,
          acceptBy: row.accept_by ? lastDayBefore(new Date(row.accept_by)) : null,
          appealDeadline: row.appeal_deadline,
        };
      },
    });
  }

  /** Renders, stores, journals and mails the letter of an approved decision, in the caller's transaction. */
  async issue(
    m: EntityManager,
    d: Decision,
    app: ApplicationForDecision,
    ctx: { actor: Actor; at: Date; grant: Grant | null; previous: Decision | null },
  ): Promise<DecisionLetter> {
    const language = d.language;
    const w = WORDS[language];
    const rules = app.rules;
    const dr = decisionRulesOf(rules);
    const granted = d.amountOre > 0;
    const template = granted ? 'grant-letter' : 'rejection-letter';
    const deadline = appealDeadline(ctx.at);
    const history = await this.engine.history(DecisionWorkflow, d.id, m);
    const proposer = [...history].reverse().find((h) => h.event === 'propose')?.actorUserId ?? d.createdBy;
    const lead = app.content.consortium.members.find((x) => x.lead);
    const common = {
      caseNumber: app.caseNumber,
      sentAt: ctx.at,
      officerName: await userName(m, proposer),
      approverName: await userName(m, ctx.actor.userId),
      leadName: lead?.name ?? app.content.consortium.leadMunicipality,
      recipientNames: [...new Set(app.content.contactPersons.map((c) => c.name))].join(', '),
      consortiumName: app.content.consortium.name,
      projectTitle: app.content.title,
      callTitle: app.callTitle[language],
      requestedOre: d.requestedOre,
      // the letter writes "med hjemmel i {legalBasis}." itself
      legalBasis: d.legalBasis.trim().replace(/[.\s]+$/, ''),
      afterAppeal: !!ctx.previous,
      // the officer's paragraphs (a blank line between) stay paragraphs; HTML would run them together
      reasons: d.reasons
        .split(/\n\s*\n/)
        .map((p) => p.trim())
        .filter(Boolean),
      appealDeadline: deadline.lastDay,
      appealBody: dr.appealBody[language],
    };
    const data = granted
      ? {
          ...common,
          amountOre: d.amountOre,
          projectStart: app.content.projectStart,
          projectEnd: app.content.projectEnd,
          maxSharePercent: formatBpNorwegian(maxShareFor(rules, osloYear(app.firstSubmittedAt))),
          partial: d.outcome === 'PARTLY_GRANTED',
          partialReason: w.partialReason,
          conditions: d.conditions.map((c) => c.text),
          reports: scheduledReports(rules.reportSchedule, app.content.projectStart, app.content.projectEnd).map((r) => ({
            title: r.kind === 'FINAL' ? w.final : w.progress(Number(r.dueOn.slice(0, 4))),
            dueAt: r.dueOn,
          })),
          tranches: (ctx.grant?.paymentPlan ?? []).map((t) => ({ amountOre: t.amountOre, when: w.when[t.trigger] })),
          acceptBy: lastDayBefore(ctx.grant!.acceptBy),
        }
      : common;
    const { html } = this.templates.renderLetter(template, language, data);
    const title = granted ? w.grantTitle(app.content.title) : w.rejectionTitle(app.content.title);
    const pdf = await renderPdfA(html, {
      title: `${title} (${app.caseNumber})`,
      author: 'Helsedirektoratet',
      subject: `Vedtak i sak ${app.caseNumber}`,
      language: languageTag(language),
      createdAt: ctx.at,
    });
    const storedHtml = await this.storage.write(Readable.from([Buffer.from(html, 'utf8')]));
    const storedPdf = await this.storage.write(Readable.from([pdf]));

    const application = await m.getRepository(Application).findOneByOrFail({ id: d.applicationId });
    const filename = `vedtak-${app.caseNumber.replace('/', '-')}.pdf`;
    const entry = await this.correspondence.write(m, application, ctx.actor, ctx.at, {
      documentType: 'VEDTAK',
      title,
      event: DECISION_SENT_EVENT,
      data: { decisionId: d.id },
      occurrence: d.id,
      document: { key: storedPdf.key, sha256: storedPdf.sha256, mediaType: 'application/pdf' },
      attachments: [{ filename, contentType: 'application/pdf', storageKey: storedPdf.key, sha256: storedPdf.sha256 }],
    });
    const letter = m.getRepository(DecisionLetter).create({
      decisionId: d.id,
      template,
      language,
      htmlKey: storedHtml.key,
      htmlSha256: storedHtml.sha256,
      pdfKey: storedPdf.key,
      pdfSha256: storedPdf.sha256,
      pdfBytes: storedPdf.sizeBytes,
      caseNumber: app.caseNumber,
      journalSeq: entry.seq,
      appealDeadline: deadline.lastDay,
      acceptBy: ctx.grant?.acceptBy ?? null,
      sentAt: ctx.at,
    });
    await m.getRepository(DecisionLetter).insert(letter);
    return letter;
  }

  /** The letter as it was sent, as HTML or PDF, for the consortium's applicants and staff. */
  async open(
    actor: Actor,
    decisionId: string,
    format: 'html' | 'pdf',
  ): Promise<{ stream: Readable; contentType: string; filename: string; sha256: string }> {
    await this.policy.assert(this.dataSource.manager, actor, decisionId, 'read');
    const letter = await this.dataSource.getRepository(DecisionLetter).findOneBy({ decisionId });
    if (!letter) throw new DomainError(404, E.NO_LETTER, 'The decision has no letter yet: it is sent when it is approved.');
    const base = `vedtak-${letter.caseNumber.replace('/', '-')}`;
    return format === 'html'
      ? {
          stream: this.storage.read(letter.htmlKey),
          contentType: 'text/html; charset=utf-8',
          filename: `${base}.html`,
          sha256: letter.htmlSha256,
        }
      : { stream: this.storage.read(letter.pdfKey), contentType: 'application/pdf', filename: `${base}.pdf`, sha256: letter.pdfSha256 };
  }
}

/**
 * The last day within a deadline held as its end (the first instant after it, midnight in Oslo, as grant.acceptBy):
 * "innen 4. januar 2027" names the last day on which an acceptance counts, not the day after it.
 */
function lastDayBefore(endsAt: Date): string {
  return osloDate(new Date(endsAt.getTime() - 1)).toString();
}

function languageTag(language: Language): string {
  return language === 'nn' ? 'nn-NO' : 'nb-NO';
}
