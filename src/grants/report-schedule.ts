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
  return reportPlan(schedule, projectStart, projectEnd).map((r) => ({ kind: r.kind, dueOn: r.dueOn }));
}

/** A report of the schedule with what identifies it in the grant and the period it covers. */
export interface PlannedReport extends ScheduledReport {
  /** PROGRESS:<year of the due date>, or FINAL: one report per key and grant. */
  key: string;
  /** The first and last day the report covers (YYYY-MM-DD). */
  periodStart: string;
  periodEnd: string;
}

/**
 * The schedule with periods: each progress report covers the time since the project started or since the previous
 * progress report was due, up to the day before its own due date; the final report covers the whole project.
 */
export function reportPlan(schedule: GrantReportSchedule, projectStart: string | null, projectEnd: string | null): PlannedReport[] {
  if (!projectStart || !projectEnd) return [];
  const start = Temporal.PlainDate.from(projectStart);
  const end = Temporal.PlainDate.from(projectEnd);
  const [month, day] = schedule.progressReportDue.split('-').map(Number);
  const out: PlannedReport[] = [];
  let from = start;
  for (let year = start.year; year <= end.year; year++) {
    const due = Temporal.PlainDate.from({ year, month, day }, { overflow: 'constrain' });
    if (Temporal.PlainDate.compare(due, start) > 0 && Temporal.PlainDate.compare(due, end) <= 0) {
      out.push({
        kind: 'PROGRESS',
        dueOn: due.toString(),
        key: `PROGRESS:${year}`,
        periodStart: from.toString(),
        periodEnd: due.subtract({ days: 1 }).toString(),
      });
      from = due;
    }
  }
  out.push({
    kind: 'FINAL',
    dueOn: end.add({ months: schedule.finalReportMonthsAfterEnd }).toString(),
    key: 'FINAL',
    periodStart: start.toString(),
    periodEnd: end.toString(),
  });
  return out;
}
