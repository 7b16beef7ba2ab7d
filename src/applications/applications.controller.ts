import { attachmentDisposition, reprDigest } from '../common/content-disposition';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Patch,
  Post,
  Query,
  Res,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { ApiPage, ApiProblems } from '../common/openapi';
import { Page, PageQuery } from '../common/pagination';
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
import { ApplicationsService } from './applications.service';
import { AttachmentsService, UploadedAttachment } from './attachments/attachments.service';
import { UploadGate } from './attachments/upload';
import { CaseJournal } from './case-journal.service';
import {
  ApplicationDraftDto,
  ApplicationQuery,
  CreateApplicationDto,
  ExtendCompletionDto,
  FormalCheckDto,
  ReturnForCompletionDto,
  UploadAttachmentDto,
  WithdrawDto,
} from './dto/applications.dto';
import {
  ApplicationSummaryView,
  ApplicationVersionSummaryView,
  ApplicationVersionView,
  ApplicationView,
  AttachmentView,
  JournalView,
  ValidationResultView,
} from './dto/applications.views';
import { SubmissionService } from './submission.service';
import { Actor } from '../common/actor';
import { CurrentActor, RequirePermission } from '../common/decorators';
import { CaseProcessingService } from './case-processing.service';
import { ApplicationPolicy } from './application.policy';
import { AccessFirst } from '../identity/access/access-gate';

@ApiTags('applications')
@Controller('applications')
export class ApplicationsController {
  constructor(
    private readonly applications: ApplicationsService,
    private readonly submission: SubmissionService,
    private readonly processing: CaseProcessingService,
    private readonly attachments: AttachmentsService,
  ) {}

  @Post()
  @RequirePermission('applications:write')
  @ApiOperation({ summary: 'Start a draft application (søknad) for a published call, on behalf of one of your consortia' })
  @ApiCreatedResponse({ type: ApplicationView })
  @ApiProblems(400, 409)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateApplicationDto): Promise<ApplicationView> {
    return this.applications.create(actor, dto);
  }

  @Get()
  @RequirePermission('applications:read')
  @ApiOperation({ summary: "List and search applications (applicants: their consortia's only)" })
  @ApiPage(ApplicationSummaryView)
  list(@CurrentActor() actor: Actor, @Query() q: ApplicationQuery): Promise<Page<ApplicationSummaryView>> {
    return this.applications.list(actor, q);
  }

  @Get(':id')
  @RequirePermission('applications:read')
  @ApiOperation({ summary: 'The draft while editable; once submitted, exactly the submitted version' })
  @ApiOkResponse({ type: ApplicationView })
  @ApiProblems(404)
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ApplicationView> {
    return this.applications.get(actor, id);
  }

  @Patch(':id')
  @RequirePermission('applications:write')
  @AccessFirst(ApplicationPolicy, 'write')
  @ApiOperation({ summary: 'Edit a draft (or an application returned for completion); lists replace the whole list' })
  @ApiOkResponse({ type: ApplicationView })
  @ApiProblems(400, 404, 409)
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ApplicationDraftDto): Promise<ApplicationView> {
    return this.applications.update(actor, id, dto);
  }

  @Get(':id/validation')
  @RequirePermission('applications:read')
  @ApiOperation({ summary: 'Every problem that would block submission, by field, with a code and a message' })
  @ApiOkResponse({ type: ValidationResultView })
  @ApiProblems(404)
  validation(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ValidationResultView> {
    return this.submission.validate(actor, id);
  }

  @Post(':id/submit')
  @HttpCode(200)
  @RequirePermission('applications:write')
  @ApiOperation({
    summary: 'Submit: freezes the version, assigns the case number, journals it and sends the receipt (422 with the problems otherwise)',
  })
  @ApiOkResponse({ type: ApplicationView })
  @ApiProblems(404, 409, 422)
  submit(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ApplicationView> {
    return this.submission.submit(actor, id);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @RequirePermission('applications:write')
  @AccessFirst(ApplicationPolicy, 'write')
  @ApiOperation({ summary: 'Withdraw the application (trekke søknaden), until a decision is made' })
  @ApiOkResponse({ type: ApplicationView })
  @ApiProblems(400, 403, 404, 409)
  withdraw(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: WithdrawDto): Promise<ApplicationView> {
    return this.submission.withdraw(actor, id, dto);
  }

  @Post(':id/formal-check')
  @HttpCode(200)
  @RequirePermission('applications:process')
  @AccessFirst(ApplicationPolicy, 'process')
  @ApiOperation({ summary: 'Formal check (formalia): eligible for assessment, or rejected with a reason' })
  @ApiOkResponse({ type: ApplicationView })
  @ApiProblems(400, 404, 409)
  formalCheck(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: FormalCheckDto): Promise<ApplicationView> {
    return this.processing.formalCheck(actor, id, dto);
  }

  @Post(':id/return')
  @HttpCode(200)
  @RequirePermission('applications:process')
  @AccessFirst(ApplicationPolicy, 'process')
  @ApiOperation({ summary: 'Return for completion: the applicant may edit and resubmit (a new frozen version) before dueAt' })
  @ApiOkResponse({ type: ApplicationView })
  @ApiProblems(400, 404, 409)
  returnForCompletion(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() dto: ReturnForCompletionDto,
  ): Promise<ApplicationView> {
    return this.processing.returnForCompletion(actor, id, dto);
  }

  @Post(':id/completion-deadline')
  @HttpCode(200)
  @RequirePermission('applications:process')
  @AccessFirst(ApplicationPolicy, 'process')
  @ApiOperation({ summary: 'Extend the completion deadline of a returned application (never shortens it); the applicant is told' })
  @ApiOkResponse({ type: ApplicationView })
  @ApiProblems(400, 404, 409)
  extendCompletion(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ExtendCompletionDto): Promise<ApplicationView> {
    return this.processing.extendCompletion(actor, id, dto);
  }

  @Get(':id/versions')
  @RequirePermission('applications:read')
  @AccessFirst(ApplicationPolicy, 'read')
  @ApiOperation({ summary: 'The submitted versions, oldest first, without their content' })
  @ApiPage(ApplicationVersionSummaryView)
  @ApiProblems(404)
  versions(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() q: PageQuery): Promise<Page<ApplicationVersionSummaryView>> {
    return this.applications.versions(actor, id, q);
  }

  @Get(':id/versions/:version')
  @RequirePermission('applications:read')
  @AccessFirst(ApplicationPolicy, 'read')
  @ApiOperation({ summary: 'One submitted version with exactly the content that was frozen' })
  @ApiOkResponse({ type: ApplicationVersionView })
  @ApiProblems(400, 404)
  version(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('version', ParseIntPipe) version: number,
  ): Promise<ApplicationVersionView> {
    return this.applications.version(actor, id, version);
  }

  @Post(':id/attachments')
  @RequirePermission('applications:write')
  @UseInterceptors(UploadGate, FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' }, description: { type: 'string' } },
    },
  })
  @ApiOperation({ summary: 'Attach a PDF or Office document (checked by content; size limit MAX_UPLOAD_BYTES)' })
  @ApiCreatedResponse({ type: AttachmentView })
  @ApiProblems(400, 404, 409, 413)
  upload(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @UploadedFile() file: UploadedAttachment | undefined,
    @Body() dto: UploadAttachmentDto,
  ): Promise<AttachmentView> {
    return this.attachments.add(actor, id, file, dto.description);
  }

  @Get(':id/attachments/:attachmentId')
  @RequirePermission('applications:read')
  @ApiOperation({ summary: 'Download an attachment: the bytes as uploaded, with Repr-Digest (SHA-256)' })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'the file, in its own content type', schema: { type: 'string', format: 'binary' } })
  @ApiProblems(404)
  async download(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('attachmentId') attachmentId: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { attachment, stream } = await this.attachments.open(actor, id, attachmentId);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Repr-Digest', reprDigest(attachment.sha256));
    return new StreamableFile(stream, {
      type: attachment.contentType,
      length: attachment.sizeBytes,
      disposition: attachmentDisposition(attachment.filename),
    });
  }

  @Delete(':id/attachments/:attachmentId')
  @HttpCode(204)
  @RequirePermission('applications:write')
  @ApiOperation({ summary: 'Remove an attachment from the draft (one in a submitted version stays in that version)' })
  @ApiNoContentResponse({ description: 'removed' })
  @ApiProblems(404, 409)
  async removeAttachment(@CurrentActor() actor: Actor, @Param('id') id: string, @Param('attachmentId') attachmentId: string) {
    await this.attachments.remove(actor, id, attachmentId);
  }
}

/** The case journal (journalposter); the case number has a slash, so it comes URL-encoded or as year and number. */
@ApiTags('applications')
@Controller('cases')
export class CasesController {
  constructor(private readonly journal: CaseJournal) {}

  @Get(':caseNumber/journal')
  @RequirePermission('cases:journal')
  @ApiOperation({ summary: 'Journal of a case; caseNumber URL-encoded, e.g. 2026%2F00001' })
  @ApiOkResponse({ type: JournalView })
  @ApiProblems(404)
  byCaseNumber(@CurrentActor() actor: Actor, @Param('caseNumber') caseNumber: string): Promise<JournalView> {
    return this.journal.journal(actor, caseNumber);
  }

  @Get(':year/:number/journal')
  @RequirePermission('cases:journal')
  @ApiOperation({ summary: 'Journal of case {year}/{number}' })
  @ApiOkResponse({ type: JournalView })
  @ApiProblems(404)
  byParts(@CurrentActor() actor: Actor, @Param('year') year: string, @Param('number') number: string): Promise<JournalView> {
    return this.journal.journal(actor, `${year}/${number}`);
  }
}
