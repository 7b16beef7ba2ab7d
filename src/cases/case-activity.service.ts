import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor } from '../common/actor';
import { decodeCursor, Page, PageQuery, pageLimit, toPage } from '../common/pagination';
import { DomainError } from '../common/problem';
import { CaseMessagePolicy } from './case-message.policy';
import { caseActivity, findCase } from './cases.queries';
import { ActivityItemView } from './dto/case-messages.views';

const CASE_NUMBER = /^\d{4}\/\d{5}$/;

/**
 * The staff's one time line of a case: every journal entry (a message or note shown as such), and every state
 * transition of the application and of what was decided on it (assignments, decisions, appeals, the grant, its
 * reports, payments and reclaims), oldest first, paged by a keyset cursor.
 */
@Injectable()
export class CaseActivityService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: CaseMessagePolicy,
  ) {}

  async activity(actor: Actor, caseNumber: string, q: PageQuery): Promise<Page<ActivityItemView>> {
    const m = this.dataSource.manager;
    const c = CASE_NUMBER.test(caseNumber) ? await findCase(m, caseNumber) : undefined;
    // staff only: the time line holds the internal notes
    if (!c || !(await this.policy.allows(m, actor, c.applicationId, 'notes'))) throw DomainError.notFound('Case', caseNumber);
    const after = decodeCursor(q.cursor, ['timestamp', 'integer', 'text']) as [string, number, string] | undefined;
    const limit = pageLimit(q);
    const rows = await caseActivity(m, c.applicationId, caseNumber, after, limit + 1);
    const page = toPage(rows, limit, (r) => [r.at_key, Number(r.rank), r.tiebreak]);
    return {
      nextCursor: page.nextCursor,
      items: page.items.map((r) => ({
        kind: r.kind,
        at: new Date(r.at).toISOString(),
        actorUserId: r.actor_user_id,
        entryNumber: r.seq === null ? null : `${caseNumber}-${r.seq}`,
        direction: r.direction,
        documentType: r.document_type,
        title: r.title,
        messageId: r.message_id,
        audience: r.audience,
        entityType: r.entity_type,
        entityId: r.entity_id,
        fromState: r.from_state,
        toState: r.to_state,
        event: r.event,
        reason: r.reason,
      })),
    };
  }
}
