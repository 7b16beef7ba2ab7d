import { formatOsloDate, formatOsloIso, formatOsloNorwegian, formatOsloShort, osloYear, parseOsloDateTime } from './oslo-time';

const instant = (s: string) => {
  const r = parseOsloDateTime(s);
  if (!r.ok) throw new Error(r.message);
  return r.instant.toISOString();
};

describe('Oslo wall-clock time', () => {
  it('reads winter time as UTC+1 and summer time as UTC+2', () => {
    expect(instant('2026-01-15T12:00')).toBe('2026-01-15T11:00:00.000Z');
    expect(instant('2026-07-15T12:00')).toBe('2026-07-15T10:00:00.000Z');
  });

  it('takes an explicit offset as it is', () => {
    expect(instant('2026-10-25T02:30:00+01:00')).toBe('2026-10-25T01:30:00.000Z');
    expect(instant('2026-10-25T00:30:00Z')).toBe('2026-10-25T00:30:00.000Z');
  });

  it('spring forward 2026-03-29: 02:00-02:59 does not exist; 01:59 is CET, 03:00 is CEST', () => {
    expect(instant('2026-03-29T01:59')).toBe('2026-03-29T00:59:00.000Z');
    expect(instant('2026-03-29T03:00')).toBe('2026-03-29T01:00:00.000Z');
    expect(parseOsloDateTime('2026-03-29T02:30')).toMatchObject({ ok: false, code: 'NONEXISTENT_LOCAL_TIME' });
  });

  it('fall back 2026-10-25: 02:00-02:59 happens twice and must carry an offset', () => {
    const r = parseOsloDateTime('2026-10-25T02:30');
    expect(r).toMatchObject({ ok: false, code: 'AMBIGUOUS_LOCAL_TIME' });
    expect((r as { message: string }).message).toContain('2026-10-25T02:30:00+02:00 or 2026-10-25T02:30:00+01:00');
    expect(instant('2026-10-25T03:00')).toBe('2026-10-25T02:00:00.000Z');
    expect(instant('2026-10-25T01:59')).toBe('2026-10-24T23:59:00.000Z');
  });

  it('refuses what is not a date and time', () => {
    for (const s of [
      '2026-02-30T12:00',
      '2026-13-01T00:00',
      '2026-01-01',
      'tomorrow',
      '2026-01-01T24:00',
      '2026-02-30T12:00:00Z',
      '2026-04-31T12:00:00+02:00',
      '2026-01-01T24:00:00Z',
    ]) {
      expect(parseOsloDateTime(s)).toMatchObject({ ok: false, code: 'INVALID_DATE_TIME' });
    }
  });

  it('formats with the offset in force and tells the Oslo year', () => {
    expect(formatOsloIso(new Date('2026-03-29T01:00:00Z'))).toBe('2026-03-29T03:00:00+02:00');
    expect(formatOsloIso(new Date('2026-03-29T00:59:59Z'))).toBe('2026-03-29T01:59:59+01:00');
    expect(osloYear(new Date('2025-12-31T23:00:00Z'))).toBe(2026);
  });

  it('refuses the other shapes Temporal would read (week dates, ordinal dates, short offsets)', () => {
    for (const s of ['2026-W10-1T12:00', '2026-060T12:00', '2026-03-01T12:00+01', '2026-03-01 12:00', '2026-03-01T12:00[Europe/Oslo]']) {
      expect(parseOsloDateTime(s)).toMatchObject({ ok: false, code: 'INVALID_DATE_TIME' });
    }
  });
});

describe('Oslo dates in letters and mails', () => {
  it('writes the day, the month by name and the year, in Oslo time', () => {
    expect(formatOsloDate(new Date('2026-11-29T12:00:00Z'))).toBe('29. november 2026');
    // 23:30 UTC on 31 December is already New Year's Day in Oslo
    expect(formatOsloDate(new Date('2025-12-31T23:30:00Z'))).toBe('1. januar 2026');
    // 22:30 UTC on 30 June is 00:30 on 1 July in summer time
    expect(formatOsloDate(new Date('2025-06-30T22:30:00Z'))).toBe('1. juli 2025');
    const months = Array.from({ length: 12 }, (_, i) => formatOsloDate(new Date(Date.UTC(2026, i, 15))).split(' ')[1]);
    expect(months.join(' ')).toBe('januar februar mars april mai juni juli august september oktober november desember');
  });

  it('writes a point in time with "kl." and the API form with "Oslo time"', () => {
    expect(formatOsloNorwegian(new Date('2026-03-29T01:00:00Z'))).toBe('29. mars 2026 kl. 03:00');
    expect(formatOsloNorwegian(new Date('2026-10-25T00:30:05Z'))).toBe('25. oktober 2026 kl. 02:30:05');
    expect(formatOsloShort(new Date('2026-01-15T11:00:00Z'))).toBe('2026-01-15 12:00 Oslo time');
  });
});
