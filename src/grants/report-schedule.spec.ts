import { reportPlan, scheduledReports } from './report-schedule';

const DEMO = { progressReportDue: '03-01', finalReportMonthsAfterEnd: 3 };

describe('report schedule', () => {
  it('gives a project of two and a half years a progress report each 1 March it runs over, and the final three months after its end', () => {
    expect(reportPlan(DEMO, '2027-01-01', '2029-06-30')).toEqual([
      { kind: 'PROGRESS', key: 'PROGRESS:2027', dueOn: '2027-03-01', periodStart: '2027-01-01', periodEnd: '2027-02-28' },
      { kind: 'PROGRESS', key: 'PROGRESS:2028', dueOn: '2028-03-01', periodStart: '2027-03-01', periodEnd: '2028-02-29' },
      { kind: 'PROGRESS', key: 'PROGRESS:2029', dueOn: '2029-03-01', periodStart: '2028-03-01', periodEnd: '2029-02-28' },
      { kind: 'FINAL', key: 'FINAL', dueOn: '2029-09-30', periodStart: '2027-01-01', periodEnd: '2029-06-30' },
    ]);
  });

  it('counts a due date on the start day out, one on the end day in, and keeps the last day of a short month', () => {
    expect(scheduledReports(DEMO, '2027-03-01', '2028-03-01')).toEqual([
      { kind: 'PROGRESS', dueOn: '2028-03-01' },
      { kind: 'FINAL', dueOn: '2028-06-01' },
    ]);
    expect(scheduledReports(DEMO, '2027-06-01', '2027-11-30')).toEqual([{ kind: 'FINAL', dueOn: '2028-02-29' }]);
  });

  it('owes nothing while the project has no dates', () => {
    expect(reportPlan(DEMO, null, '2028-01-01')).toEqual([]);
  });
});
