import { attachmentDisposition, reprDigest } from '../../common/content-disposition';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Res,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { UploadedAttachment } from '../../applications/attachments/attachments.service';
import { Actor } from '../../common/actor';
import { CurrentActor, RequirePermission } from '../../common/decorators';
import { ApiPage, ApiProblems } from '../../common/openapi';
import { Page } from '../../common/pagination';
import { AccessFirst } from '../../identity/access/access-gate';
import { GrantPolicy } from '../grant.policy';
import {
  AdHocReportDto,
  ExtendReportDto,
  ProjectEndDto,
  ReportListQuery,
  ReviewReportDto,
  SaveReportDto,
  UploadReportAttachmentDto,
} from './dto/reports.dto';
import {
  ReportAttachmentView,
  ReportReceiptView,
  ReportSummaryView,
  ReportValidationView,
  ReportVersionListView,
  ReportVersionView,
  ReportView,
} from './dto/reports.views';
import { ReportSchedules } from './report-schedules.service';
import { ReportUploadGate } from './report-upload.gate';
import { ReportPolicy } from './report.policy';
import { ReportsService } from './reports.service';

@ApiTags('reports')
@Controller()
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly schedules: ReportSchedules,
  ) {}

  @Get('reports')
  @RequirePermission('reports:read')
  @ApiOperation({
    summary:
      "Reports the caller may see (applicants: their own consortia's), soonest due first; filter by call, grant, state, kind, due date and overdue",
  })
  @ApiPage(ReportSummaryView)
  @ApiProblems(400)
  list(@CurrentActor() actor: Actor, @Query() q: ReportListQuery): Promise<Page<ReportSummaryView>> {
    return this.reports.list(actor, q);
  }

  @Get('reports/:id')
  @RequirePermission('reports:read')
  @ApiOperation({ summary: 'A report: its draft, actuals against the approved budget, reviews and journal entries' })
  @ApiOkResponse({ type: ReportView })
  @ApiProblems(404)
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ReportView> {
    return this.reports.get(actor, id);
  }

  @Put('reports/:id')
  @RequirePermission('reports:write')
  @AccessFirst(ReportPolicy, 'write')
  @ApiOperation({
    summary: 'Save the draft (the whole of it: what is left out is empty); GET …/validation lists what still blocks submission',
  })
  @ApiOkResponse({ type: ReportView })
  @ApiProblems(400, 403, 404, 409)
  save(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: SaveReportDto): Promise<ReportView> {
    return this.reports.save(actor, id, dto);
  }

  @Get('reports/:id/validation')
  @RequirePermission('reports:read')
  @ApiOperation({ summary: 'Every problem that blocks submission, by field' })
  @ApiOkResponse({ type: ReportValidationView })
  @ApiProblems(404)
  validation(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ReportValidationView> {
    return this.reports.validate(actor, id);
  }

  @Post('reports/:id/submit')
  @HttpCode(200)
  @RequirePermission('reports:write')
  @AccessFirst(ReportPolicy, 'write')
  @ApiOperation({ summary: 'Submit (or resubmit after a request for changes): a frozen version, an inbound journal entry and a receipt' })
  @ApiOkResponse({ type: ReportReceiptView })
  @ApiProblems(403, 404, 409, 422)
  submit(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ReportReceiptView> {
    return this.reports.submit(actor, id);
  }

  @Post('reports/:id/review')
  @HttpCode(200)
  @RequirePermission('reports:review')
  @AccessFirst(ReportPolicy, 'review')
  @ApiOperation({
    summary:
      'Approve the submitted version (a journal entry and the report.*_approved event), or request changes with a comment per section',
  })
  @ApiOkResponse({ type: ReportView })
  @ApiProblems(400, 404, 409)
  review(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ReviewReportDto): Promise<ReportView> {
    return this.reports.review(actor, id, dto);
  }

  @Get('reports/:id/versions')
  @RequirePermission('reports:read')
  @ApiOperation({ summary: 'Every submitted version, frozen, with its review' })
  @ApiOkResponse({ type: ReportVersionListView })
  @ApiProblems(404)
  versions(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ReportVersionListView> {
    return this.reports.versions(actor, id);
  }

  @Get('reports/:id/versions/:version')
  @RequirePermission('reports:read')
  @ApiOperation({ summary: 'One submitted version' })
  @ApiOkResponse({ type: ReportVersionView })
  @ApiProblems(404)
  version(@CurrentActor() actor: Actor, @Param('id') id: string, @Param('version') version: string): Promise<ReportVersionView> {
    return this.reports.version(actor, id, version);
  }

  @Post('reports/:id/extension')
  @HttpCode(200)
  @RequirePermission('reports:manage')
  @AccessFirst(ReportPolicy, 'manage')
  @ApiOperation({ summary: 'Grant an extension: a later due date, with the reason (audited and journaled)' })
  @ApiOkResponse({ type: ReportView })
  @ApiProblems(400, 404, 409, 422)
  async extend(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ExtendReportDto): Promise<ReportView> {
    await this.schedules.extend(actor, id, dto);
    return this.reports.get(actor, id);
  }

  @Post('grants/:id/reports')
  @RequirePermission('reports:manage')
  @AccessFirst(GrantPolicy, 'manage')
  @ApiOperation({ summary: 'Ask the consortium for an ad hoc report: a title, a due date and the questions to answer' })
  @ApiCreatedResponse({ type: ReportView })
  @ApiProblems(400, 404, 409, 422)
  async addAdHoc(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: AdHocReportDto): Promise<ReportView> {
    return this.reports.get(actor, await this.schedules.addAdHoc(actor, id, dto));
  }

  @Post('grants/:id/project-end')
  @HttpCode(200)
  @RequirePermission('reports:manage')
  @AccessFirst(GrantPolicy, 'manage')
  @ApiOperation({ summary: "Change the grant's project end, with the reason: the final report (and the progress reports owed) follow" })
  @ApiOkResponse({ type: ReportSummaryView, isArray: true, description: "the grant's reports after the change" })
  @ApiProblems(400, 404, 409, 422)
  async projectEnd(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ProjectEndDto): Promise<ReportSummaryView[]> {
    await this.schedules.changeProjectEnd(actor, id, dto);
    return (await this.reports.list(actor, { grantId: id, limit: 100 })).items.filter((r) => r.status !== 'CANCELLED');
  }

  @Post('reports/:id/attachments')
  @RequirePermission('reports:write')
  @UseInterceptors(ReportUploadGate, FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' }, description: { type: 'string' } },
    },
  })
  @ApiOperation({ summary: 'Attach a PDF or Office document to the draft (checked by content; size limit MAX_UPLOAD_BYTES)' })
  @ApiCreatedResponse({ type: ReportAttachmentView })
  @ApiProblems(400, 403, 404, 409, 413, 415)
  upload(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @UploadedFile() file: UploadedAttachment | undefined,
    @Body() dto: UploadReportAttachmentDto,
  ): Promise<ReportAttachmentView> {
    return this.reports.addAttachment(actor, id, file, dto.description);
  }

  @Get('reports/:id/attachments/:attachmentId')
  @RequirePermission('reports:read')
  @ApiOperation({ summary: 'Download an attachment: the bytes as uploaded, with Repr-Digest (SHA-256)' })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'the file, in its own content type', schema: { type: 'string', format: 'binary' } })
  @ApiProblems(404)
  async download(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('attachmentId') attachmentId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const { attachment, stream } = await this.reports.openAttachment(actor, id, attachmentId);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Repr-Digest', reprDigest(attachment.sha256));
    return new StreamableFile(stream, {
      type: attachment.contentType,
      length: attachment.sizeBytes,
      disposition: attachmentDisposition(attachment.filename),
    });
  }

  @Delete('reports/:id/attachments/:attachmentId')
  @HttpCode(204)
  @RequirePermission('reports:write')
  @AccessFirst(ReportPolicy, 'write')
  @ApiOperation({ summary: 'Remove an attachment from the draft (one in a submitted version stays in that version)' })
  @ApiNoContentResponse({ description: 'removed' })
  @ApiProblems(403, 404, 409)
  async removeAttachment(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('attachmentId') attachmentId: string,
  ): Promise<void> {
    await this.reports.removeAttachment(actor, id, attachmentId);
  }
}
