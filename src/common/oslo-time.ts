import { Temporal } from 'temporal-polyfill';
import { CommonErrors as C } from './common.errors';

/**
 * Deadlines are Norwegian wall-clock times (Europe/Oslo). These helpers turn a local time into the one instant it
 * names and back, refusing local times that do not exist (spring forward) or exist twice (fall back). The time-zone
 * rules are Temporal's (the TC39 polyfill over the runtime's IANA data), not arithmetic of our own.
 */
export const OSLO = 'Europe/Oslo';

function inOslo(d: Date): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(d.getTime()).toZonedDateTimeISO(OSLO);
}

export function osloYear(d: Date): number {
  return inOslo(d).year;
}

export type LocalTimeResult =
  | { ok: true; instant: Date }
  | { ok: false; code: typeof C.INVALID_DATE_TIME | typeof C.NONEXISTENT_LOCAL_TIME | typeof C.AMBIGUOUS_LOCAL_TIME; message: string };

// the shapes we accept; Temporal alone would also take week dates, ordinal dates, a bare "+01" offset and more
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * An ISO 8601 time with an offset is taken as it is; one without is Oslo wall-clock time. A wall-clock time in the
 * spring-forward gap does not exist and one in the fall-back hour is ambiguous: both are refused, since a
 * deadline must name one instant (give an explicit offset to pick one of the two).
 */
export function parseOsloDateTime(s: string): LocalTimeResult {
  if (WITH_OFFSET.test(s)) {
    try {
      // Temporal refuses 30 February, 24:00 and the like instead of rolling them over as Date does
      return { ok: true, instant: new Date(Temporal.Instant.from(s).epochMilliseconds) };
    } catch {
      return invalid(s);
    }
  }
  const m = LOCAL.exec(s);
  if (!m) return invalid(s);
  let local: Temporal.PlainDateTime;
  try {
    local = Temporal.PlainDateTime.from(
      { year: +m[1], month: +m[2], day: +m[3], hour: +m[4], minute: +m[5], second: +(m[6] ?? 0) },
      { overflow: 'reject' },
    );
  } catch {
    return invalid(s);
  }
  try {
    return { ok: true, instant: new Date(local.toZonedDateTime(OSLO, { disambiguation: 'reject' }).epochMilliseconds) };
  } catch {
    // refused: either the clocks skip this time (the earlier reading lands on another wall-clock time) or pass it twice
    const earlier = local.toZonedDateTime(OSLO, { disambiguation: 'earlier' });
    const later = local.toZonedDateTime(OSLO, { disambiguation: 'later' });
    if (!earlier.toPlainDateTime().equals(local)) {
      return {
        ok: false,
        code: C.NONEXISTENT_LOCAL_TIME,
        message: `${s} does not exist in Europe/Oslo (the clocks skip that hour); choose another time`,
      };
    }
    return {
      ok: false,
      code: C.AMBIGUOUS_LOCAL_TIME,
      message: `${s} happens twice in Europe/Oslo (the clocks go back); add the offset, e.g. ${isoWithOffset(earlier)} or ${isoWithOffset(later)}`,
    };
  }
}

function invalid(s: string): LocalTimeResult {
  return {
    ok: false,
    code: C.INVALID_DATE_TIME,
    message: `${s} is not a date and time like 2026-03-01T12:00 (Oslo time) or 2026-03-01T11:00:00Z`,
  };
}

const isoWithOffset = (z: Temporal.ZonedDateTime) => z.toString({ smallestUnit: 'second', timeZoneName: 'never' });

const pad = (n: number) => String(n).padStart(2, '0');

/** 2026-03-29T03:00:00+02:00 */
export function formatOsloIso(d: Date): string {
  return isoWithOffset(inOslo(d));
}

/** The month names of letters and mails; bokmål and nynorsk spell all twelve alike (januar … desember). */
const MONTHS = ['januar', 'februar', 'mars', 'april', 'mai', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'desember'];

/**
 * 29. november 2026 — the date of an instant as it reads in a Norwegian letter or mail (nb and nn alike), in Oslo
 * time: a deadline at 23:59 Oslo time is that day, not the next one in UTC.
 */
export function formatOsloDate(d: Date): string {
  const z = inOslo(d);
  return `${z.day}. ${MONTHS[z.month - 1]} ${z.year}`;
}

/** 29. mars 2026 kl. 03:00 — a point in time in a Norwegian letter or mail. */
export function formatOsloNorwegian(d: Date): string {
  const z = inOslo(d);
  const sec = z.second ? `:${pad(z.second)}` : '';
  return `${formatOsloDate(d)} kl. ${pad(z.hour)}:${pad(z.minute)}${sec}`;
}

/** 2026-03-29 03:00 Oslo time — for messages of the API. */
export function formatOsloShort(d: Date): string {
  const z = inOslo(d);
  const sec = z.second ? `:${pad(z.second)}` : '';
  return `${z.year}-${pad(z.month)}-${pad(z.day)} ${pad(z.hour)}:${pad(z.minute)}${sec} Oslo time`;
}
