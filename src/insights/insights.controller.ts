import { applyDecorators, Controller, Get, Param, Query, Res, StreamableFile, Type } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Response } from 'express';
import { attachmentDisposition } from '../common/content-disposition';
import { RequirePermission } from '../common/decorators';
import { ApiProblems } from '../common/openapi';
import { DomainError } from '../common/problem';
import { InsightsFilterQuery, InsightsQuery } from './dto/insights.dto';
import { IndicatorsView, InsightsReportsView, MoneyFlowView, PortfolioView, ReachView, TimelinessView } from './dto/insights.views';
import { CHART_NAMES, ChartName } from './insights-charts';
import { toCsv, toXlsx } from './insights-export';
import { InsightsFilter } from './insights.queries';
import { InsightsReport, InsightsService } from './insights.service';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CSV = 'text/csv; charset=utf-8';

/** 200 as JSON (the view), CSV or XLSX, by `format`. */
function ApiInsights(view: Type<unknown>) {
  return applyDecorators(
    ApiExtraModels(view),
    ApiProduces('application/json', 'text/csv', XLSX),
    ApiResponse({
      status: 200,
      description:
        'JSON by default; `format=csv` the main table as CSV with a `#` header block (report, extractedAt, filters), ' +
        '`dialect=no` semicolons and decimal commas; `format=xlsx` a workbook with a Metadata sheet and one sheet per table',
      content: {
        'application/json': { schema: { $ref: getSchemaPath(view) } },
        'text/csv': { schema: { type: 'string' } },
        [XLSX]: { schema: { type: 'string', format: 'binary' } },
      },
    }),
    ApiProblems(400),
  );
}

function filterOf(q: InsightsFilterQuery): InsightsFilter {
  return { callId: q.callId, measure: q.measure, year: q.year, healthRegion: q.healthRegion, county: q.county };
}

/**
 * The evaluators' insights (issue 15): read-only, for evaluators, officers, auditors and API tokens scoped to
 * `insights:read`. Aggregates across every consortium and grant at organisation level: there is no object to hide
 * from a reader who holds the permission, and nothing personal is in any answer.
 */
@ApiTags('insights')
@Controller('insights')
export class InsightsController {
  constructor(private readonly insights: InsightsService) {}

  private async answer(report: InsightsReport, q: InsightsQuery, res: Response): Promise<unknown> {
    const filter = filterOf(q);
    const { view, tables } = await this.insights.read(report, filter);
    const format = q.format ?? 'json';
    if (format === 'json') return view;
    const meta = { report, extractedAt: new Date(view.extractedAt), filters: { ...filter } };
    const day = view.extractedAt.slice(0, 10);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (format === 'csv') {
      const dialect = q.dialect ?? 'intl';
      return new StreamableFile(toCsv(tables[0], meta, dialect), {
        type: CSV,
        disposition: attachmentDisposition(`insights-${report}-${day}${dialect === 'no' ? '-no' : ''}.csv`),
      });
    }
    return new StreamableFile(await toXlsx(tables, meta), {
      type: XLSX,
      disposition: attachmentDisposition(`insights-${report}-${day}.xlsx`),
    });
  }

  @Get('portfolio')
  @RequirePermission('insights:read')
  @ApiOperation({
    summary:
      'Applications received, eligible, assessed, granted, partly granted, rejected, withdrawn; requested, granted, paid, reclaimed; success rate — by call, measure, year and region',
  })
  @ApiInsights(PortfolioView)
  portfolio(@Query() q: InsightsQuery, @Res({ passthrough: true }) res: Response): Promise<PortfolioView | StreamableFile> {
    return this.answer('portfolio', q, res) as Promise<PortfolioView | StreamableFile>;
  }

  @Get('reach')
  @RequirePermission('insights:read')
  @ApiOperation({
    summary:
      'Municipalities and inhabitants in funded consortia, each counted once, cumulatively by year and region, against the reach target; those not reached, largest first',
  })
  @ApiInsights(ReachView)
  reach(@Query() q: InsightsQuery, @Res({ passthrough: true }) res: Response): Promise<ReachView | StreamableFile> {
    return this.answer('reach', q, res) as Promise<ReachView | StreamableFile>;
  }

  @Get('money-flow')
  @RequirePermission('insights:read')
  @ApiOperation({ summary: 'Requested → granted → paid → reclaimed per call and year' })
  @ApiInsights(MoneyFlowView)
  moneyFlow(@Query() q: InsightsQuery, @Res({ passthrough: true }) res: Response): Promise<MoneyFlowView | StreamableFile> {
    return this.answer('money-flow', q, res) as Promise<MoneyFlowView | StreamableFile>;
  }

  @Get('indicators')
  @RequirePermission('insights:read')
  @ApiOperation({
    summary:
      'Indicators grouped by name and unit, and per grant: baseline, target, latest actual with method and sample, progress, forecast against outcome',
  })
  @ApiInsights(IndicatorsView)
  indicators(@Query() q: InsightsQuery, @Res({ passthrough: true }) res: Response): Promise<IndicatorsView | StreamableFile> {
    return this.answer('indicators', q, res) as Promise<IndicatorsView | StreamableFile>;
  }

  @Get('timeliness')
  @RequirePermission('insights:read')
  @ApiOperation({ summary: 'Reports due, submitted on time, late (days late), overdue now' })
  @ApiInsights(TimelinessView)
  timeliness(@Query() q: InsightsQuery, @Res({ passthrough: true }) res: Response): Promise<TimelinessView | StreamableFile> {
    return this.answer('timeliness', q, res) as Promise<TimelinessView | StreamableFile>;
  }

  @Get('reports')
  @RequirePermission('insights:read')
  @ApiOperation({
    summary: 'The submitted follow-up reports for analysis: narrative, financial actuals, indicator values; organisation level only',
  })
  @ApiInsights(InsightsReportsView)
  reports(@Query() q: InsightsQuery, @Res({ passthrough: true }) res: Response): Promise<InsightsReportsView | StreamableFile> {
    return this.answer('reports', q, res) as Promise<InsightsReportsView | StreamableFile>;
  }

  @Get('charts/:name.svg')
  @RequirePermission('insights:read')
  @ApiOperation({
    summary: 'A chart as SVG, drawn on the server: reach over time against the target, money flow per call, indicator progress',
  })
  @ApiParam({ name: 'name', enum: CHART_NAMES })
  @ApiProduces('image/svg+xml')
  @ApiResponse({ status: 200, description: 'the chart', content: { 'image/svg+xml': { schema: { type: 'string' } } } })
  @ApiProblems(400, 404)
  async chart(
    @Param('name') name: string,
    @Query() q: InsightsFilterQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    if (!(CHART_NAMES as readonly string[]).includes(name)) throw DomainError.notFound('Chart', name);
    const svg = await this.insights.chart(name as ChartName, filterOf(q));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    return new StreamableFile(Buffer.from(svg, 'utf8'), {
      type: 'image/svg+xml; charset=utf-8',
      disposition: `inline; filename="${name}.svg"`,
    });
  }
}
