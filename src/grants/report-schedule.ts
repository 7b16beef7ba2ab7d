import { Temporal } from 'temporal-polyfill';
import { GrantReportSchedule } from './entities/grant.entity';

export interface ScheduledReport {
  kind: 'PROGRESS' | 'FINAL';
  /** The last day it is due (YYYY-MM-DD, Norway). */
  dueOn: string;
}

/**
 * The reports a grant owes under its call's schedule: a progress report on the given day (MM-DD) of each year while
 * the project runs (after its start, not after its end), and a final report the given number of months after the end.
 */
export function scheduledReports(schedule: GrantReportSchedule, projectStart: string | null, projectEnd: string | null): ScheduledReport[] {
  if (!projectStart || !projectEnd) return [];
  const start = Temporal.PlainDate.from(projectStart);
  const end = Temporal.PlainDate.from(projectEnd);
  const [month, day] = schedule.progressReportDue.split('-').map(Number);
  const out: ScheduledReport[] = [];
  for (let year = start.year; year <= end.year; year++) {
    const due = Temporal.PlainDate.from({ year, month, day }, { overflow: 'constrain' });
    if (Temporal.PlainDate.compare(due, start) > 0 && Temporal.PlainDate.compare(due, end) <= 0) {
      out.push({ kind: 'PROGRESS', dueOn: due.toString() });
    }
  }
  out.push({ kind: 'FINAL', dueOn: end.add({ months: schedule.finalReportMonthsAfterEnd }).toString() });
  return out;
}
