import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../common/actor';

/** A report of a grant that was approved, as the payments need to know it. */
export interface ReportApproved {
  grantId: string;
  kind: 'PROGRESS' | 'FINAL';
  reportId: string | null;
  /** FINAL: the eligible costs actually reported (the financial statement), which the final settlement rests on. */
  eligibleCostsOre?: number | null;
  actor: Actor | 'system';
  at: Date;
}

/** A report the grant owes whose due date has passed without it being submitted. */
export interface OverdueReport {
  reportId: string | null;
  title: string;
  /** YYYY-MM-DD */
  dueOn: string;
}

type Listener<T> = (m: EntityManager, e: T) => Promise<void>;

/**
 * What happens to a grant that other parts of src/grants act on, in the transaction it happens in: the conditions
 * accepted (the first tranche becomes payable), a report approved (its tranche becomes payable; the final one settles
 * the grant). The acceptance and the reports call it; payments listen. It also asks the reports which are overdue
 * (an overdue report blocks attestation). A registry rather than imports both ways, so neither side needs the other.
 */
@Injectable()
export class GrantEvents {
  private readonly acceptedListeners: Listener<{ grantId: string; actor: Actor | 'system'; at: Date }>[] = [];
  private readonly reportListeners: Listener<ReportApproved>[] = [];
  private overdueSource: ((m: EntityManager, grantId: string, today: string) => Promise<OverdueReport[]>) | null = null;

  onAccepted(l: Listener<{ grantId: string; actor: Actor | 'system'; at: Date }>): void {
    this.acceptedListeners.push(l);
  }

  onReportApproved(l: Listener<ReportApproved>): void {
    this.reportListeners.push(l);
  }

  /** The reports module tells which of a grant's reports are overdue on `today` (YYYY-MM-DD, Oslo). */
  provideOverdueReports(source: (m: EntityManager, grantId: string, today: string) => Promise<OverdueReport[]>): void {
    if (this.overdueSource) throw new Error('overdue reports are provided twice');
    this.overdueSource = source;
  }

  async accepted(m: EntityManager, grantId: string, actor: Actor | 'system', at: Date): Promise<void> {
    for (const l of this.acceptedListeners) await l(m, { grantId, actor, at });
  }

  async reportApproved(m: EntityManager, e: ReportApproved): Promise<void> {
    for (const l of this.reportListeners) await l(m, e);
  }

  async overdueReports(m: EntityManager, grantId: string, today: string): Promise<OverdueReport[]> {
    return this.overdueSource ? this.overdueSource(m, grantId, today) : [];
  }
}
