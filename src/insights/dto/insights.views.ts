import { ApiProperty } from '@nestjs/swagger';

const S = (o: Record<string, unknown> = {}) => ApiProperty({ type: String, ...o });
const SN = (o: Record<string, unknown> = {}) => ApiProperty({ type: String, nullable: true, ...o });
const I = (o: Record<string, unknown> = {}) => ApiProperty({ type: 'integer', ...o });
const IN = (o: Record<string, unknown> = {}) => ApiProperty({ type: 'integer', nullable: true, ...o });
const N = (o: Record<string, unknown> = {}) => ApiProperty({ type: Number, nullable: true, ...o });
const ORE = (description: string) => ApiProperty({ type: 'integer', description: `${description}, in øre` });

export class InsightsFiltersView {
  @SN({ format: 'uuid' }) callId: string | null;
  @SN() measure: string | null;
  @IN() year: number | null;
  @SN() healthRegion: string | null;
  @SN() county: string | null;
}

class Extract {
  @S({ format: 'date-time', description: 'when the figures were read' }) extractedAt: string;
  @ApiProperty({ type: InsightsFiltersView }) filters: InsightsFiltersView;
}

export class PortfolioRowView {
  @SN({ format: 'uuid', description: 'null in the total' }) callId: string | null;
  @SN() callTitle: string | null;
  @SN() measure: string | null;
  @IN() year: number | null;
  @SN({ description: "the lead municipality's" }) healthRegion: string | null;
  @I({ description: 'submitted (a case number)' }) received: number;
  @I({ description: 'found eligible at the formal check' }) eligible: number;
  @I() assessed: number;
  @I() granted: number;
  @I() partlyGranted: number;
  @I() rejectedAtFormalCheck: number;
  @I() rejectedByDecision: number;
  @I() withdrawn: number;
  @ORE('requested') requestedOre: number;
  @ORE('granted (live grants)') grantedOre: number;
  @ORE('paid') paidOre: number;
  @ORE('reclaimed (demanded)') reclaimedOre: number;
  @N({ description: 'granted in full or in part, of received' }) successRatePercent: number | null;
}

export class PortfolioView extends Extract {
  @ApiProperty({ type: [PortfolioRowView] }) rows: PortfolioRowView[];
  @ApiProperty({ type: PortfolioRowView }) total: PortfolioRowView;
}

export class MoneyFlowRowView {
  @SN({ format: 'uuid' }) callId: string | null;
  @SN() callTitle: string | null;
  @IN() year: number | null;
  @I() applications: number;
  @ORE('requested') requestedOre: number;
  @ORE('granted') grantedOre: number;
  @ORE('paid') paidOre: number;
  @ORE('reclaimed') reclaimedOre: number;
}

export class MoneyFlowView extends Extract {
  @ApiProperty({ type: [MoneyFlowRowView] }) rows: MoneyFlowRowView[];
  @ApiProperty({ type: MoneyFlowRowView }) total: MoneyFlowRowView;
}

export class ReachRowView {
  @I() year: number;
  @SN({ description: 'null: every region in scope together' }) healthRegion: string | null;
  @I() reachedMunicipalities: number;
  @I() municipalities: number;
  @I() reachedPopulation: number;
  @I() population: number;
  @N() shareOfMunicipalitiesPercent: number | null;
  @N() shareOfPopulationPercent: number | null;
  @N({ description: 'of all municipalities of the country' }) shareOfAllMunicipalitiesPercent: number | null;
  @N() shareOfAllPopulationPercent: number | null;
}

export class ReachTargetView {
  @I({ description: 'REACH_TARGET_PERCENT' }) percent: number;
  @I({ description: 'REACH_TARGET_YEARS' }) years: number;
  @IN({ description: "the scheme's first year" }) fromYear: number | null;
  @IN({ description: 'the last year the target counts' }) byYear: number | null;
  @I({ description: 'of all municipalities of the country, rounded up' }) municipalitiesNeeded: number;
  @I({ description: 'reached now (in the scope of the filters)' }) municipalitiesReached: number;
  @I() municipalitiesToGo: number;
  @ApiProperty() met: boolean;
}

export class UnreachedMunicipalityView {
  @S() number: string;
  @S() name: string;
  @S() county: string;
  @S() healthRegion: string;
  @I() population: number;
}

export class ReachView extends Extract {
  @I() allMunicipalities: number;
  @I() allPopulation: number;
  @ApiProperty({ type: [ReachRowView], description: 'cumulative, each municipality counted once, in the year of its first funded call' })
  byYear: ReachRowView[];
  @ApiProperty({ type: ReachTargetView }) target: ReachTargetView;
  @ApiProperty({ type: [UnreachedMunicipalityView], description: 'not reached yet, largest first' })
  notReached: UnreachedMunicipalityView[];
}

export class IndicatorGroupView {
  @S() name: string;
  @S() unit: string;
  @I() grants: number;
  @I() withBaseline: number;
  @I() withTarget: number;
  @I() withActual: number;
  @SN({ description: 'exact decimal' }) sumBaseline: string | null;
  @SN() sumTarget: string | null;
  @SN() sumLatestActual: string | null;
  @SN({ description: 'the targets of the grants that reported a value' }) forecastOfReported: string | null;
  @SN({ description: 'their latest values' }) outcomeOfReported: string | null;
  @N() averageProgressPercent: number | null;
}

export class GrantIndicatorView {
  @S({ format: 'uuid' }) grantId: string;
  @S() caseNumber: string;
  @S({ format: 'uuid' }) callId: string;
  @S() callTitle: string;
  @I() year: number;
  @S() consortium: string;
  @S() leadMunicipality: string;
  @S() healthRegion: string;
  @S({ format: 'uuid' }) indicatorId: string;
  @S() name: string;
  @S() unit: string;
  @S() kind: string;
  @S() actor: string;
  @SN() baselineValue: string | null;
  @SN({ format: 'date' }) baselineDate: string | null;
  @SN({ description: 'the target in force: as changed by the newest approved change request, else as decided' }) targetValue: string | null;
  @IN() targetYear: number | null;
  @SN({ description: 'the target as decided (the forecast the grant was given)' }) originalTargetValue: string | null;
  @IN() originalTargetYear: number | null;
  @I({ description: 'the version of the grant terms the target in force is from (1: as decided)' }) termsVersion: number;
  @SN() latestValue: string | null;
  @SN({ enum: ['MEASURED', 'ESTIMATED', 'PERCEIVED'] }) latestMethod: string | null;
  @IN() latestSampleSize: number | null;
  @SN() latestResponseRatePercent: string | null;
  @SN({ format: 'date' }) latestPeriodStart: string | null;
  @SN({ format: 'date' }) latestPeriodEnd: string | null;
  @SN({ description: 'the kind of report the latest value is from: FINAL is the outcome' }) latestReportKind: string | null;
  @N({ description: '(latest − baseline) / (target − baseline)' }) progressPercent: number | null;
  @SN({ description: 'latest − target: outcome against forecast' }) deviationFromTarget: string | null;
}

export class IndicatorsView extends Extract {
  @ApiProperty({ type: [IndicatorGroupView] }) groups: IndicatorGroupView[];
  @ApiProperty({ type: [GrantIndicatorView] }) grants: GrantIndicatorView[];
}

export class TimelinessRowView {
  @SN({ format: 'uuid' }) callId: string | null;
  @SN() callTitle: string | null;
  @IN() year: number | null;
  @SN({ enum: ['PROGRESS', 'FINAL', 'AD_HOC'] }) kind: string | null;
  @I() reports: number;
  @I({ description: 'due on or before today' }) due: number;
  @I() submittedOnTime: number;
  @I() submittedLate: number;
  @N() averageDaysLate: number | null;
  @IN() maxDaysLate: number | null;
  @I() overdueNow: number;
}

export class LateReportView {
  @S({ format: 'uuid' }) reportId: string;
  @S() caseNumber: string;
  @S() kind: string;
  @S() title: string;
  @S({ format: 'date' }) dueOn: string;
  @SN({ format: 'date' }) firstSubmittedOn: string | null;
  @IN({ description: 'days after the due date it was submitted, or (overdue) has been waited for until today' })
  daysLate: number | null;
  @ApiProperty() overdueNow: boolean;
}

export class TimelinessView extends Extract {
  @S({ format: 'date', description: 'today in Europe/Oslo' }) today: string;
  @ApiProperty({ type: [TimelinessRowView] }) rows: TimelinessRowView[];
  @ApiProperty({ type: TimelinessRowView }) total: TimelinessRowView;
  @ApiProperty({ type: [LateReportView] }) late: LateReportView[];
}

export class InsightsSectionView {
  @S() code: string;
  @S() text: string;
}
export class InsightsAnswerView {
  @I() question: number;
  @S() text: string;
}
export class InsightsActualView {
  @S() costCategory: string;
  @I() year: number;
  @ORE('spent') amountOre: number;
}
export class InsightsIndicatorValueView {
  @S({ format: 'uuid' }) indicatorId: string;
  @S() name: string;
  @S() unit: string;
  @ApiProperty() measured: boolean;
  @SN() value: string | null;
  @SN() method: string | null;
  @IN() sampleSize: number | null;
  @SN() responseRatePercent: string | null;
  @SN({ format: 'date' }) periodStart: string | null;
  @SN({ format: 'date' }) periodEnd: string | null;
  @SN() notMeasuredReason: string | null;
}
export class InsightsFinancialStatementView {
  @ORE('total eligible costs') totalEligibleCostsOre: number;
  @ORE('own contribution') ownContributionOre: number;
  @ORE('other public funding') otherPublicFundingOre: number;
  @ORE('grant used') grantUsedOre: number;
}

export class AnalysisReportView {
  @S({ format: 'uuid' }) reportId: string;
  @S() caseNumber: string;
  @S({ format: 'uuid' }) callId: string;
  @S() callTitle: string;
  @I() year: number;
  @S() consortium: string;
  @S() leadMunicipality: string;
  @S() healthRegion: string;
  @S({ enum: ['PROGRESS', 'FINAL', 'AD_HOC'] }) kind: string;
  @S() title: string;
  @S() status: string;
  @S({ format: 'date' }) dueOn: string;
  @I() version: number;
  @S({ format: 'date-time' }) submittedAt: string;
  @SN({ format: 'date' }) periodStart: string | null;
  @SN({ format: 'date' }) periodEnd: string | null;
  @ApiProperty({ type: [InsightsSectionView] }) sections: InsightsSectionView[];
  @ApiProperty({ type: [InsightsAnswerView] }) answers: InsightsAnswerView[];
  @SN() benefitSummary: string | null;
  @ApiProperty({ type: InsightsFinancialStatementView, nullable: true }) financialStatement: InsightsFinancialStatementView | null;
  @ORE('the actuals summed') actualTotalOre: number;
  @ApiProperty({ type: [InsightsActualView] }) actuals: InsightsActualView[];
  @ApiProperty({ type: [InsightsIndicatorValueView] }) indicators: InsightsIndicatorValueView[];
}

export class InsightsReportsView extends Extract {
  @ApiProperty({
    type: [AnalysisReportView],
    description: 'organisation level only: no contact person, no declaration (name and title of who signed)',
  })
  items: AnalysisReportView[];
}
