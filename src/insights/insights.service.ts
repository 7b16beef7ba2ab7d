import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { osloDate } from '../common/legal-deadline';
import { formatOsloIso } from '../common/oslo-time';
import { AppConfig } from '../config/app-config';
import {
  AnalysisReportView,
  IndicatorsView,
  InsightsFiltersView,
  InsightsReportsView,
  MoneyFlowView,
  PortfolioView,
  ReachView,
  TimelinessView,
} from './dto/insights.views';
import { ChartName, indicatorProgressChart, moneyFlowChart, reachChart, renderSvg } from './insights-charts';
import { ExportColumn, ExportTable } from './insights-export';
import * as Q from './insights.queries';

export type InsightsReport = 'portfolio' | 'reach' | 'money-flow' | 'indicators' | 'timeliness' | 'reports';

/** An answer as JSON and as the tables its files hold (the first is the CSV's). */
export interface InsightsResult<V> {
  view: V;
  tables: ExportTable[];
}

const col = <R>(header: string, type: ExportColumn<R>['type'], value: ExportColumn<R>['value']): ExportColumn<R> => ({
  header,
  type,
  value,
});

const PORTFOLIO_COLUMNS: ExportColumn<Q.PortfolioRow>[] = [
  col('call_id', 'text', (r) => r.callId ?? 'TOTAL'),
  col('call_title', 'text', (r) => r.callTitle),
  col('measure', 'text', (r) => r.measure),
  col('year', 'int', (r) => r.year),
  col('health_region', 'text', (r) => r.healthRegion),
  col('received', 'int', (r) => r.received),
  col('eligible', 'int', (r) => r.eligible),
  col('assessed', 'int', (r) => r.assessed),
  col('granted', 'int', (r) => r.granted),
  col('partly_granted', 'int', (r) => r.partlyGranted),
  col('rejected_at_formal_check', 'int', (r) => r.rejectedAtFormalCheck),
  col('rejected_by_decision', 'int', (r) => r.rejectedByDecision),
  col('withdrawn', 'int', (r) => r.withdrawn),
  col('requested_nok', 'ore', (r) => r.requestedOre),
  col('granted_nok', 'ore', (r) => r.grantedOre),
  col('paid_nok', 'ore', (r) => r.paidOre),
  col('reclaimed_nok', 'ore', (r) => r.reclaimedOre),
  col('success_rate_percent', 'decimal', (r) => r.successRatePercent),
];

const MONEY_COLUMNS: ExportColumn<Q.MoneyFlowRow>[] = [
  col('call_id', 'text', (r) => r.callId ?? 'TOTAL'),
  col('call_title', 'text', (r) => r.callTitle),
  col('year', 'int', (r) => r.year),
  col('applications', 'int', (r) => r.applications),
  col('requested_nok', 'ore', (r) => r.requestedOre),
  col('granted_nok', 'ore', (r) => r.grantedOre),
  col('paid_nok', 'ore', (r) => r.paidOre),
  col('reclaimed_nok', 'ore', (r) => r.reclaimedOre),
];

const REACH_COLUMNS: ExportColumn<Q.ReachRow>[] = [
  col('year', 'int', (r) => r.year),
  col('health_region', 'text', (r) => r.healthRegion ?? 'ALL'),
  col('reached_municipalities', 'int', (r) => r.reachedMunicipalities),
  col('municipalities', 'int', (r) => r.municipalities),
  col('reached_population', 'int', (r) => r.reachedPopulation),
  col('population', 'int', (r) => r.population),
  col('share_of_municipalities_percent', 'decimal', (r) => r.shareOfMunicipalitiesPercent),
  col('share_of_population_percent', 'decimal', (r) => r.shareOfPopulationPercent),
  col('share_of_all_municipalities_percent', 'decimal', (r) => r.shareOfAllMunicipalitiesPercent),
  col('share_of_all_population_percent', 'decimal', (r) => r.shareOfAllPopulationPercent),
];

const MUNICIPALITY_COLUMNS: ExportColumn<Q.MunicipalityRow>[] = [
  col('number', 'text', (r) => r.number),
  col('name', 'text', (r) => r.name),
  col('county', 'text', (r) => r.county),
  col('health_region', 'text', (r) => r.healthRegion),
  col('population', 'int', (r) => r.population),
];

const GROUP_COLUMNS: ExportColumn<Q.IndicatorGroupRow>[] = [
  col('name', 'text', (r) => r.name),
  col('unit', 'text', (r) => r.unit),
  col('grants', 'int', (r) => r.grants),
  col('with_baseline', 'int', (r) => r.withBaseline),
  col('with_target', 'int', (r) => r.withTarget),
  col('with_actual', 'int', (r) => r.withActual),
  col('sum_baseline', 'decimal', (r) => r.sumBaseline),
  col('sum_target', 'decimal', (r) => r.sumTarget),
  col('sum_latest_actual', 'decimal', (r) => r.sumLatestActual),
  col('forecast_of_reported', 'decimal', (r) => r.forecastOfReported),
  col('outcome_of_reported', 'decimal', (r) => r.outcomeOfReported),
  col('average_progress_percent', 'decimal', (r) => r.averageProgressPercent),
];

const GRANT_INDICATOR_COLUMNS: ExportColumn<Q.GrantIndicatorRow>[] = [
  col('case_number', 'text', (r) => r.caseNumber),
  col('call_title', 'text', (r) => r.callTitle),
  col('year', 'int', (r) => r.year),
  col('consortium', 'text', (r) => r.consortium),
  col('lead_municipality', 'text', (r) => r.leadMunicipality),
  col('health_region', 'text', (r) => r.healthRegion),
  col('indicator', 'text', (r) => r.name),
  col('unit', 'text', (r) => r.unit),
  col('kind', 'text', (r) => r.kind),
  col('actor', 'text', (r) => r.actor),
  col('baseline', 'decimal', (r) => r.baselineValue),
  col('baseline_date', 'text', (r) => r.baselineDate),
  col('target', 'decimal', (r) => r.targetValue),
  col('target_year', 'int', (r) => r.targetYear),
  col('original_target', 'decimal', (r) => r.originalTargetValue),
  col('original_target_year', 'int', (r) => r.originalTargetYear),
  col('terms_version', 'int', (r) => r.termsVersion),
  col('latest_value', 'decimal', (r) => r.latestValue),
  col('latest_method', 'text', (r) => r.latestMethod),
  col('latest_sample_size', 'int', (r) => r.latestSampleSize),
  col('latest_response_rate_percent', 'decimal', (r) => r.latestResponseRatePercent),
  col('latest_period_start', 'text', (r) => r.latestPeriodStart),
  col('latest_period_end', 'text', (r) => r.latestPeriodEnd),
  col('latest_report_kind', 'text', (r) => r.latestReportKind),
  col('progress_percent', 'decimal', (r) => r.progressPercent),
  col('deviation_from_target', 'decimal', (r) => r.deviationFromTarget),
];

const TIMELINESS_COLUMNS: ExportColumn<Q.TimelinessRow>[] = [
  col('call_id', 'text', (r) => r.callId ?? 'TOTAL'),
  col('call_title', 'text', (r) => r.callTitle),
  col('year', 'int', (r) => r.year),
  col('kind', 'text', (r) => r.kind),
  col('reports', 'int', (r) => r.reports),
  col('due', 'int', (r) => r.due),
  col('submitted_on_time', 'int', (r) => r.submittedOnTime),
  col('submitted_late', 'int', (r) => r.submittedLate),
  col('average_days_late', 'decimal', (r) => r.averageDaysLate),
  col('max_days_late', 'int', (r) => r.maxDaysLate),
  col('overdue_now', 'int', (r) => r.overdueNow),
];

const LATE_COLUMNS: ExportColumn<Q.ReportTimelinessRow>[] = [
  col('case_number', 'text', (r) => r.caseNumber),
  col('kind', 'text', (r) => r.kind),
  col('title', 'text', (r) => r.title),
  col('due_on', 'text', (r) => r.dueOn),
  col('first_submitted_on', 'text', (r) => r.firstSubmittedOn),
  col('days_late', 'int', (r) => r.daysLate),
  col('overdue_now', 'bool', (r) => r.overdueNow),
];

/**
 * The evaluators' insights (domain brief § 7): portfolio, reach, money flow, indicators, timeliness and the reports
 * themselves, each as JSON and as tables for CSV and XLSX, and the charts. Read-only; every figure is summed in SQL
 * (insights.queries.ts). Nothing here names a person: no contact persons, no declarations, no user names.
 */
@Injectable()
export class InsightsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  private head(filter: Q.InsightsFilter, at: Date): { extractedAt: string; filters: InsightsFiltersView } {
    return {
      extractedAt: formatOsloIso(at),
      filters: {
        callId: filter.callId ?? null,
        measure: filter.measure ?? null,
        year: filter.year ?? null,
        healthRegion: filter.healthRegion ?? null,
        county: filter.county ?? null,
      },
    };
  }

  async portfolio(filter: Q.InsightsFilter, at: Date): Promise<InsightsResult<PortfolioView>> {
    const rows = await Q.portfolio(this.dataSource.manager, filter);
    const total = rows[rows.length - 1];
    const view = { ...this.head(filter, at), rows: rows.slice(0, -1), total };
    return { view, tables: [{ name: 'Portefølje', columns: PORTFOLIO_COLUMNS, rows }] };
  }

  async moneyFlow(filter: Q.InsightsFilter, at: Date): Promise<InsightsResult<MoneyFlowView>> {
    const rows = await Q.moneyFlow(this.dataSource.manager, filter);
    const view = { ...this.head(filter, at), rows: rows.slice(0, -1), total: rows[rows.length - 1] };
    return { view, tables: [{ name: 'Pengestrøm', columns: MONEY_COLUMNS, rows }] };
  }

  async reach(filter: Q.InsightsFilter, at: Date): Promise<InsightsResult<ReachView>> {
    const m = this.dataSource.manager;
    const [byYear, notReached, now, firstYear, country] = await Promise.all([
      Q.reachByYear(m, filter),
      Q.notReached(m, filter),
      Q.reachedCount(m, filter),
      Q.schemeFirstYear(m),
      Q.countryTotals(m),
    ]);
    const all = country.municipalities;
    const needed = Math.ceil((all * this.config.reachTargetPercent) / 100);
    const view: ReachView = {
      ...this.head(filter, at),
      allMunicipalities: all,
      allPopulation: country.population,
      byYear,
      target: {
        percent: this.config.reachTargetPercent,
        years: this.config.reachTargetYears,
        fromYear: firstYear,
        byYear: firstYear === null ? null : firstYear + this.config.reachTargetYears - 1,
        municipalitiesNeeded: needed,
        municipalitiesReached: now.reached,
        municipalitiesToGo: Math.max(0, needed - now.reached),
        met: now.reached >= needed,
      },
      notReached,
    };
    return {
      view,
      tables: [
        { name: 'Rekkevidde', columns: REACH_COLUMNS, rows: byYear },
        { name: 'Ikke nådd', columns: MUNICIPALITY_COLUMNS, rows: notReached },
      ],
    };
  }

  async indicators(filter: Q.InsightsFilter, at: Date): Promise<InsightsResult<IndicatorsView>> {
    const m = this.dataSource.manager;
    const [groups, grants] = await Promise.all([Q.indicatorGroups(m, filter), Q.indicatorsPerGrant(m, filter)]);
    return {
      view: { ...this.head(filter, at), groups, grants },
      tables: [
        { name: 'Indikatorer', columns: GROUP_COLUMNS, rows: groups },
        { name: 'Per tilskudd', columns: GRANT_INDICATOR_COLUMNS, rows: grants },
      ],
    };
  }

  async timeliness(filter: Q.InsightsFilter, at: Date): Promise<InsightsResult<TimelinessView>> {
    const m = this.dataSource.manager;
    const today = osloDate(at).toString();
    const [rows, late] = await Promise.all([Q.timeliness(m, filter, today), Q.lateReports(m, filter, today)]);
    return {
      view: { ...this.head(filter, at), today, rows: rows.slice(0, -1), total: rows[rows.length - 1], late },
      tables: [
        { name: 'Rapportering i tide', columns: TIMELINESS_COLUMNS, rows },
        { name: 'Sene og forfalte', columns: LATE_COLUMNS, rows: late },
      ],
    };
  }

  async reports(filter: Q.InsightsFilter, at: Date): Promise<InsightsResult<InsightsReportsView>> {
    const rows = await Q.reportsForAnalysis(this.dataSource.manager, filter);
    const items: AnalysisReportView[] = rows.map((r) => ({
      ...r,
      submittedAt: r.submittedAt.toISOString(),
      financialStatement: r.financialStatement
        ? {
            totalEligibleCostsOre: Number(r.financialStatement.totalEligibleCostsOre),
            ownContributionOre: Number(r.financialStatement.ownContributionOre),
            otherPublicFundingOre: Number(r.financialStatement.otherPublicFundingOre),
            grantUsedOre: Number(r.financialStatement.grantUsedOre),
          }
        : null,
    }));
    const codes = [...new Set(items.flatMap((r) => r.sections.map((s) => s.code)))].sort();
    const main: ExportColumn<AnalysisReportView>[] = [
      col('case_number', 'text', (r) => r.caseNumber),
      col('call_title', 'text', (r) => r.callTitle),
      col('year', 'int', (r) => r.year),
      col('consortium', 'text', (r) => r.consortium),
      col('lead_municipality', 'text', (r) => r.leadMunicipality),
      col('health_region', 'text', (r) => r.healthRegion),
      col('kind', 'text', (r) => r.kind),
      col('title', 'text', (r) => r.title),
      col('status', 'text', (r) => r.status),
      col('due_on', 'text', (r) => r.dueOn),
      col('version', 'int', (r) => r.version),
      col('submitted_at', 'text', (r) => r.submittedAt),
      col('period_start', 'text', (r) => r.periodStart),
      col('period_end', 'text', (r) => r.periodEnd),
      col('actual_total_nok', 'ore', (r) => r.actualTotalOre),
      col('grant_used_nok', 'ore', (r) => r.financialStatement?.grantUsedOre),
      ...codes.map((code) => col<AnalysisReportView>(`section_${code}`, 'text', (r) => r.sections.find((s) => s.code === code)?.text)),
      col('benefit_summary', 'text', (r) => r.benefitSummary),
    ];
    type Actual = { report: AnalysisReportView; a: AnalysisReportView['actuals'][number] };
    type Value = { report: AnalysisReportView; v: AnalysisReportView['indicators'][number] };
    return {
      view: { ...this.head(filter, at), items },
      tables: [
        { name: 'Rapporter', columns: main, rows: items },
        {
          name: 'Regnskap',
          columns: [
            col<Actual>('case_number', 'text', (x) => x.report.caseNumber),
            col<Actual>('report_title', 'text', (x) => x.report.title),
            col<Actual>('cost_category', 'text', (x) => x.a.costCategory),
            col<Actual>('year', 'int', (x) => x.a.year),
            col<Actual>('amount_nok', 'ore', (x) => x.a.amountOre),
          ],
          rows: items.flatMap((report) => report.actuals.map((a) => ({ report, a }))),
        },
        {
          name: 'Indikatorverdier',
          columns: [
            col<Value>('case_number', 'text', (x) => x.report.caseNumber),
            col<Value>('report_title', 'text', (x) => x.report.title),
            col<Value>('indicator', 'text', (x) => x.v.name),
            col<Value>('unit', 'text', (x) => x.v.unit),
            col<Value>('measured', 'bool', (x) => x.v.measured),
            col<Value>('value', 'decimal', (x) => x.v.value),
            col<Value>('method', 'text', (x) => x.v.method),
            col<Value>('sample_size', 'int', (x) => x.v.sampleSize),
            col<Value>('response_rate_percent', 'decimal', (x) => x.v.responseRatePercent),
            col<Value>('period_start', 'text', (x) => x.v.periodStart),
            col<Value>('period_end', 'text', (x) => x.v.periodEnd),
            col<Value>('not_measured_reason', 'text', (x) => x.v.notMeasuredReason),
          ],
          rows: items.flatMap((report) => report.indicators.map((v) => ({ report, v }))),
        },
      ],
    };
  }

  read(report: InsightsReport, filter: Q.InsightsFilter): Promise<InsightsResult<{ extractedAt: string }>> {
    const at = this.clock.now();
    switch (report) {
      case 'portfolio':
        return this.portfolio(filter, at);
      case 'reach':
        return this.reach(filter, at);
      case 'money-flow':
        return this.moneyFlow(filter, at);
      case 'indicators':
        return this.indicators(filter, at);
      case 'timeliness':
        return this.timeliness(filter, at);
      case 'reports':
        return this.reports(filter, at);
    }
  }

  /** A chart as SVG, from the same figures as the JSON. */
  async chart(name: ChartName, filter: Q.InsightsFilter): Promise<string> {
    const at = this.clock.now();
    const subtitle = subtitleOf(filter, at);
    switch (name) {
      case 'reach': {
        const { view } = await this.reach(filter, at);
        return renderSvg(reachChart(view.byYear, { percent: view.target.percent, year: view.target.byYear }, subtitle));
      }
      case 'money-flow': {
        const { view } = await this.moneyFlow(filter, at);
        return renderSvg(moneyFlowChart(view.rows, subtitle));
      }
      case 'indicator-progress': {
        const { view } = await this.indicators(filter, at);
        return renderSvg(indicatorProgressChart(view.grants, subtitle));
      }
    }
  }
}

/** The chart's subtitle: its filters and when it was drawn, as the files state them. */
function subtitleOf(filter: Q.InsightsFilter, at: Date): string {
  const parts = Object.entries(filter)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`);
  return `${parts.length ? parts.join(', ') : 'alle'} · uttrekk ${formatOsloIso(at)}`;
}
