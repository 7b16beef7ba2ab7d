import { Temporal } from 'temporal-polyfill';
import { appealDeadline, deadlineInWeeks, isNonWorkingDay, isWithin, nextWorkingDay } from './legal-deadline';

/** Noon in Oslo on a calendar day, as the instant a letter is sent. */
const sentOn = (day: string, time = '12:00') =>
  new Date(Temporal.PlainDateTime.from(`${day}T${time}`).toZonedDateTime('Europe/Oslo').epochMilliseconds);

describe('legal deadlines (domstolloven §§ 148–149)', () => {
  it.each([
    // sent                deadline (3 weeks, same weekday)  why
    ['2026-03-04', '2026-03-25', 'a Wednesday three weeks on: an ordinary working day'],
    ['2026-10-10', '2026-11-02', 'Saturday 31 October moves past Sunday to Monday'],
    ['2026-03-16', '2026-04-07', 'Monday 6 April 2026 is Easter Monday (andre påskedag): Tuesday'],
    ['2028-04-26', '2028-05-18', 'Wednesday 17 May 2028 is Constitution Day: Thursday'],
    ['2027-04-26', '2027-05-18', '17 May 2027 is both Constitution Day and Whit Monday: Tuesday'],
    ['2026-12-04', '2026-12-28', 'Friday 25 December (and Saturday 26th, Sunday 27th): Monday 28th'],
    ['2026-12-10', '2026-12-31', 'New Year’s Eve is no public holiday: Thursday 31 December holds'],
  ])('a letter sent %s has its appeal deadline on %s (%s)', (sent, deadline) => {
    expect(appealDeadline(sentOn(sent)).lastDay).toBe(deadline);
  });

  it('counts from the Norwegian calendar day, also late in the evening (UTC is still the day before or after)', () => {
    // 00:30 Oslo on 4 March is 23:30 UTC on 3 March: the letter went out on the 4th
    expect(appealDeadline(sentOn('2026-03-04', '00:30')).lastDay).toBe('2026-03-25');
    expect(appealDeadline(sentOn('2026-03-04', '23:59')).lastDay).toBe('2026-03-25');
  });

  it('accepts an appeal up to midnight in Oslo on the last day and refuses it from then on, across a DST change', () => {
    // sent Monday 9 March 2026 (winter time) → Monday 30 March 2026 (summer time since 29 March)
    const d = appealDeadline(sentOn('2026-03-09'));
    expect(d.lastDay).toBe('2026-03-30');
    expect(d.endsAt.toISOString()).toBe('2026-03-30T22:00:00.000Z'); // midnight CEST
    expect(isWithin(sentOn('2026-03-30', '23:59'), d)).toBe(true);
    expect(isWithin(sentOn('2026-03-31', '00:00'), d)).toBe(false);
    expect(isWithin(sentOn('2026-03-31', '09:00'), d)).toBe(false);
  });

  it('knows the moving and the fixed holidays, and that Saturday and Sunday are not working days', () => {
    const day = (s: string) => Temporal.PlainDate.from(s);
    for (const holiday of [
      '2026-04-02',
      '2026-04-03',
      '2026-04-06',
      '2026-05-01',
      '2026-05-14',
      '2026-05-17',
      '2026-05-25',
      '2026-12-25',
      '2026-12-26',
      '2027-01-01',
    ])
      expect([holiday, isNonWorkingDay(day(holiday))]).toEqual([holiday, true]);
    for (const working of ['2026-04-07', '2026-05-18', '2026-12-24', '2026-12-31', '2026-06-23'])
      expect([working, isNonWorkingDay(day(working))]).toEqual([working, false]);
    expect(isNonWorkingDay(day('2026-11-28'))).toBe(true); // a Saturday
    expect(nextWorkingDay(day('2026-04-02')).toString()).toBe('2026-04-07'); // Maundy Thursday → after Easter Monday
  });

  it('counts other whole-week deadlines the same way and refuses nonsense', () => {
    expect(deadlineInWeeks(sentOn('2026-03-04'), 1).lastDay).toBe('2026-03-11');
    expect(() => deadlineInWeeks(sentOn('2026-03-04'), 0)).toThrow(RangeError);
    expect(() => deadlineInWeeks(sentOn('2026-03-04'), 1.5)).toThrow(RangeError);
  });
});
