import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApplicationPolicy } from '../../applications/application.policy';
import { AuditService } from '../../audit/audit.service';
import { Actor } from '../../common/actor';
import { Clock } from '../../common/clock';
import { decodeCursor, Page, pageLimit, toPage } from '../../common/pagination';
import { DomainError } from '../../common/problem';
import { LIVE_GRANT_STATES } from '../../grants/grant.workflow';
import { JournalExemptionDto, PublicGrantsQuery, PublicJournalQuery } from './dto/public.dto';
import { JournalExemptionView, PublicGrantView, PublicJournalEntryView } from './dto/public.views';
import { PublicErrors as E } from './public.errors';
import { publicTitle, SCREENED_MARK } from './public-title';
import {
  deleteExemption,
  journalEntryApplication,
  lockExemption,
  publicGrants,
  PublicGrantRow,
  publicJournalEntries,
  PublicJournalRow,
  upsertExemption,
} from './public.queries';

const CASE_NUMBER = /^\d{4}\/\d{5}$/;

/**
 * The public journal (offentlig journal) and the list of grants awarded, for anyone without signing in, and the
 * exemptions (unntak fra offentlighet) officers mark. What the public sees is organisation-level: case and entry
 * numbers, dates, direction, document type, a screened title (public-title.ts) and the counterpart organisation.
 * No user id, no registering officer, no document.
 */
@Injectable()
export class PublicJournalService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: ApplicationPolicy,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async journal(q: PublicJournalQuery): Promise<Page<PublicJournalEntryView>> {
    if (q.from && q.to && q.from > q.to) {
      throw DomainError.validation([{ field: 'to', code: E.DATE_RANGE_REVERSED, message: 'to must not be before from' }]);
    }
    const limit = pageLimit(q);
    const after = decodeCursor(q.cursor, ['timestamp', 'text', 'integer']) as [string, string, number] | undefined;
    const rows = await publicJournalEntries(this.dataSource.manager, { from: q.from, to: q.to, after, limit: limit + 1 });
    const page = toPage(rows, limit, (r) => [r.at_key, r.case_number, r.seq]);
    return { items: page.items.map(journalEntryView), nextCursor: page.nextCursor };
  }

  async grants(q: PublicGrantsQuery): Promise<Page<PublicGrantView>> {
    const limit = pageLimit(q);
    const after = decodeCursor(q.cursor, ['timestamp', 'uuid']) as [string, string] | undefined;
    const rows = await publicGrants(this.dataSource.manager, { states: LIVE_GRANT_STATES, after, limit: limit + 1 });
    const page = toPage(rows, limit, (r) => [r.at_key, r.id]);
    return { items: page.items.map(grantView), nextCursor: page.nextCursor };
  }

  /** An officer marks the entry (or its title) exempt from public access, with the legal basis; audited. */
  async exempt(actor: Actor, caseNumber: string, seq: number, dto: JournalExemptionDto): Promise<JournalExemptionView> {
    if (dto.scope === 'ENTRY' && dto.publicTitle !== undefined) {
      throw DomainError.validation([
        {
          field: 'publicTitle',
          code: E.PUBLIC_TITLE_NOT_ALLOWED,
          message: 'a whole-entry exemption withholds the title: give no publicTitle',
        },
      ]);
    }
    const at = this.clock.now();
    const after = { scope: dto.scope, legalBasis: dto.legalBasis.trim(), publicTitle: dto.publicTitle?.trim() ?? null };
    await this.dataSource.transaction(async (m) => {
      await this.assertEntry(m, actor, caseNumber, seq);
      const before = await lockExemption(m, caseNumber, seq);
      await upsertExemption(m, caseNumber, seq, { ...after, markedBy: actor.userId, markedAt: at });
      await this.audit.record(m, {
        action: 'journal.exempt',
        entityType: 'journal_entry',
        entityId: `${caseNumber}-${seq}`,
        before: before ? { scope: before.scope, legalBasis: before.legal_basis, publicTitle: before.public_title } : null,
        after,
        actor,
      });
    });
    return { entryNumber: `${caseNumber}-${seq}`, ...after, markedBy: actor.userId, markedAt: at.toISOString() };
  }

  /** The exemption is lifted (the reason for it is gone): the entry is public again; audited. */
  async lift(actor: Actor, caseNumber: string, seq: number): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await this.assertEntry(m, actor, caseNumber, seq);
      const before = await lockExemption(m, caseNumber, seq);
      if (!before) throw DomainError.notFound('Exemption of journal entry', `${caseNumber}-${seq}`);
      await deleteExemption(m, caseNumber, seq);
      await this.audit.record(m, {
        action: 'journal.exemption-lifted',
        entityType: 'journal_entry',
        entityId: `${caseNumber}-${seq}`,
        before: { scope: before.scope, legalBasis: before.legal_basis, publicTitle: before.public_title },
        after: null,
        actor,
      });
    });
  }

  private async assertEntry(m: DataSource['manager'], actor: Actor, caseNumber: string, seq: number): Promise<void> {
    const applicationId =
      CASE_NUMBER.test(caseNumber) && Number.isSafeInteger(seq) ? await journalEntryApplication(m, caseNumber, seq) : undefined;
    if (!applicationId || !(await this.policy.allows(m, actor, applicationId, 'process'))) {
      throw DomainError.notFound('Journal entry', `${caseNumber}-${seq}`);
    }
  }
}

function journalEntryView(r: PublicJournalRow): PublicJournalEntryView {
  const exemption = r.scope ? { scope: r.scope, legalBasis: r.legal_basis! } : null;
  const title =
    r.scope === 'ENTRY' ? SCREENED_MARK : r.scope === 'TITLE' ? (r.public_title ?? SCREENED_MARK) : publicTitle(r.document_type, r.title);
  return {
    caseNumber: r.case_number,
    entryNumber: `${r.case_number}-${r.seq}`,
    journalDate: r.journal_date,
    direction: r.direction,
    documentType: r.document_type,
    title,
    counterpart: r.scope === 'ENTRY' ? null : r.counterpart,
    exemption,
  };
}

function grantView(r: PublicGrantRow): PublicGrantView {
  return {
    caseNumber: r.case_number,
    consortium: r.consortium,
    members: (r.members ?? []).map((x) => ({ name: x.name, municipalityNumber: x.municipalityNumber?.trim() ?? null, role: x.role })),
    amountOre: Number(r.amount),
    call: r.call,
    measureCode: r.measure_code,
    decisionDate: r.decision_date,
    status: r.status,
  };
}
