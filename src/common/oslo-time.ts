/**
 * Deadlines are Norwegian wall-clock times (Europe/Oslo). These helpers turn a local time into the one instant it
 * names and back, refusing local times that do not exist (spring forward) or exist twice (fall back).
 */
export const OSLO = 'Europe/Oslo';

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: OSLO,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export function osloParts(d: Date): LocalParts {
  const p = Object.fromEntries(partsFormat.formatToParts(d).map((x) => [x.type, x.value]));
  return { year: +p.year, month: +p.month, day: +p.day, hour: +p.hour, minute: +p.minute, second: +p.second };
}

export function osloYear(d: Date): number {
  return osloParts(d).year;
}

/** Minutes east of UTC in Oslo at that instant (60 in winter, 120 in summer). */
export function osloOffsetMinutes(d: Date): number {
  const p = osloParts(d);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(d.getTime() / 1000) * 1000) / 60000);
}

export type LocalTimeResult =
  | { ok: true; instant: Date }
  | { ok: false; code: 'INVALID_DATE_TIME' | 'NONEXISTENT_LOCAL_TIME' | 'AMBIGUOUS_LOCAL_TIME'; message: string };

const WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** The written date and time exist (JavaScript would read 30 February as 2 March). */
function realParts(m: RegExpExecArray): LocalParts | null {
  const p: LocalParts = { year: +m[1], month: +m[2], day: +m[3], hour: +m[4], minute: +m[5], second: +(m[6] ?? 0) };
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day));
  const ok =
    d.getUTCFullYear() === p.year &&
    d.getUTCMonth() === p.month - 1 &&
    d.getUTCDate() === p.day &&
    p.hour <= 23 &&
    p.minute <= 59 &&
    p.second <= 59;
  return ok ? p : null;
}

/**
 * An ISO 8601 time with an offset is taken as it is; one without is Oslo wall-clock time. A wall-clock time in the
 * spring-forward gap does not exist and one in the fall-back hour is ambiguous: both are refused, since a
 * deadline must name one instant (give an explicit offset to pick one of the two).
 */
export function parseOsloDateTime(s: string): LocalTimeResult {
  const offset = WITH_OFFSET.exec(s);
  if (offset) {
    const d = new Date(s);
    return !realParts(offset) || isNaN(d.getTime()) ? invalid(s) : { ok: true, instant: d };
  }
  const m = LOCAL.exec(s);
  const want = m && realParts(m);
  if (!want) return invalid(s);
  const naive = Date.UTC(want.year, want.month - 1, want.day, want.hour, want.minute, want.second);
  // the offsets in force a day either side cover every transition; keep the candidates that map back to the same wall clock
  const offsets = new Set([osloOffsetMinutes(new Date(naive - 86400000)), osloOffsetMinutes(new Date(naive + 86400000))]);
  const matches = [...offsets]
    .map((o) => new Date(naive - o * 60000))
    .filter((d) => sameParts(osloParts(d), want))
    .sort((a, b) => a.getTime() - b.getTime());
  if (matches.length === 0) {
    return {
      ok: false,
      code: 'NONEXISTENT_LOCAL_TIME',
      message: `${s} does not exist in Europe/Oslo (the clocks skip that hour); choose another time`,
    };
  }
  if (matches.length > 1) {
    return {
      ok: false,
      code: 'AMBIGUOUS_LOCAL_TIME',
      message: `${s} happens twice in Europe/Oslo (the clocks go back); add the offset, e.g. ${formatOsloIso(matches[0])} or ${formatOsloIso(matches[1])}`,
    };
  }
  return { ok: true, instant: matches[0] };
}

function invalid(s: string): LocalTimeResult {
  return {
    ok: false,
    code: 'INVALID_DATE_TIME',
    message: `${s} is not a date and time like 2026-03-01T12:00 (Oslo time) or 2026-03-01T11:00:00Z`,
  };
}

function sameParts(a: LocalParts, b: LocalParts): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute && a.second === b.second;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** 2026-03-29T03:00:00+02:00 */
export function formatOsloIso(d: Date): string {
  const p = osloParts(d);
  const off = osloOffsetMinutes(d);
  const sign = off >= 0 ? '+' : '-';
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}

/** 29.03.2026 kl. 03:00 — how a time reads in a Norwegian letter or mail. */
export function formatOsloNorwegian(d: Date): string {
  const p = osloParts(d);
  const sec = p.second ? `:${pad(p.second)}` : '';
  return `${pad(p.day)}.${pad(p.month)}.${p.year} kl. ${pad(p.hour)}:${pad(p.minute)}${sec}`;
}

/** 2026-03-29 03:00 Oslo time — for messages of the API. */
export function formatOsloShort(d: Date): string {
  const p = osloParts(d);
  const sec = p.second ? `:${pad(p.second)}` : '';
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}${sec} Oslo time`;
}

/** The date part (YYYY-MM-DD) of an instant in Oslo. */
export function osloDate(d: Date): string {
  const p = osloParts(d);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}
