import Holidays from 'date-holidays';
import { Temporal } from 'temporal-polyfill';

/**
 * Deadlines counted as Norwegian law counts them (domstolloven §§ 148–149, which forvaltningsloven § 30 refers to):
 * a deadline in weeks ends on the same weekday as the day it runs from; one that ends on a Saturday, a Sunday or a
 * public holiday (helgedag or høytidsdag: Easter and Whitsun move, 1 and 17 May are fixed) moves to the next day
 * that is none of these. Public holidays come from date-holidays (Norway, legal holidays only: Christmas Eve and
 * New Year's Eve are not).
 */
const ZONE = 'Europe/Oslo';
const calendar = new Holidays('NO');
const byYear = new Map<number, Set<string>>();

function publicHolidays(year: number): Set<string> {
  let days = byYear.get(year);
  if (!days) {
    days = new Set(
      calendar
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => h.date.slice(0, 10)),
    );
    byYear.set(year, days);
  }
  return days;
}

/** Saturday, Sunday or a Norwegian public holiday. */
export function isNonWorkingDay(day: Temporal.PlainDate): boolean {
  return day.dayOfWeek >= 6 || publicHolidays(day.year).has(day.toString());
}

/** The day itself if it is a working day, otherwise the next one that is. */
export function nextWorkingDay(day: Temporal.PlainDate): Temporal.PlainDate {
  let d = day;
  while (isNonWorkingDay(d)) d = d.add({ days: 1 });
  return d;
}

/** The calendar day in Norway on which an instant falls. */
export function osloDate(at: Date): Temporal.PlainDate {
  return Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(ZONE).toPlainDate();
}

export interface LegalDeadline {
  /** The last day, as a calendar date in Norway (YYYY-MM-DD). */
  lastDay: string;
  /** The first instant after the deadline: midnight in Oslo at the end of the last day. */
  endsAt: Date;
}

/** A deadline of `weeks` weeks from the day `from` falls on in Norway, moved past weekends and public holidays. */
export function deadlineInWeeks(from: Date, weeks: number): LegalDeadline {
  if (!Number.isInteger(weeks) || weeks < 1) throw new RangeError(`weeks must be a whole number of at least 1, not ${weeks}`);
  const last = nextWorkingDay(osloDate(from).add({ weeks }));
  const endsAt = new Date(last.add({ days: 1 }).toZonedDateTime({ timeZone: ZONE }).epochMilliseconds);
  return { lastDay: last.toString(), endsAt };
}

/** Three weeks from the day the decision reached the party (forvaltningsloven § 29; a digital letter when sent). */
export function appealDeadline(letterSentAt: Date): LegalDeadline {
  return deadlineInWeeks(letterSentAt, 3);
}

/** Whether something done at `at` is within the deadline (on the last day, Oslo time, counts). */
export function isWithin(at: Date, deadline: LegalDeadline): boolean {
  return at.getTime() < deadline.endsAt.getTime();
}
