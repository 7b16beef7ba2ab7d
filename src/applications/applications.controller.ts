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
import { PageQuery } from '../common/pagination';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
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
import { SubmissionService } from './submission.service';
import { Actor } from '../common/actor';
import { CurrentActor, RequirePermission } from '../common/decorators';
import { CaseProcessingService } from './case-processing.service';
import { ApplicationPolicy } from './application.policy';
import { AccessFirst } from '../identity/access/access-gate';

@ApiTags('applications')
@ApiBearerAuth()
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
  create(@CurrentActor() actor: Actor, @Body() dto: CreateApplicationDto) {
    return this.applications.create(actor, dto);
  }

  @Get()
  @RequirePermission('applications:read')
  @ApiOperation({ summary: "List and search applications (applicants: their consortia's only)" })
  list(@CurrentActor() actor: Actor, @Query() q: ApplicationQuery) {
    return this.applications.list(actor, q);
  }

  @Get(':id')
  @RequirePermission('applications:read')
  @ApiOperation({ summary: 'The draft while editable; once submitted, exactly the submitted version' })
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.applications.get(actor, id);
  }

  @Patch(':id')
  @RequirePermission('applications:write')
  @AccessFirst(ApplicationPolicy, 'write')
  @ApiOperation({ summary: 'Edit a draft (or an application returned for completion); lists replace the whole list' })
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ApplicationDraftDto) {
    return this.applications.update(actor, id, dto);
  }

  @Get(':id/validation')
  @RequirePermission('applications:read')
  @ApiOperation({ summary: 'Every problem that would block submission, by field, with a code and a message' })
  validation(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.submission.validate(actor, id);
  }

  @Post(':id/submit')
  @HttpCode(200)
  @RequirePermission('applications:write')
  @ApiOperation({
    summary: 'Submit: freezes the version, assigns the case number, journals it and sends the receipt (422 with the problems otherwise)',
  })
  submit(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.submission.submit(actor, id);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @RequirePermission('applications:write')
  @AccessFirst(ApplicationPolicy, 'write')
  withdraw(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: WithdrawDto) {
    return this.submission.withdraw(actor, id, dto);
  }

  @Post(':id/formal-check')
  @HttpCode(200)
  @RequirePermission('applications:process')
  @AccessFirst(ApplicationPolicy, 'process')
  @ApiOperation({ summary: 'Formal check (formalia): eligible for assessment, or rejected with a reason' })
  formalCheck(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: FormalCheckDto) {
    return this.processing.formalCheck(actor, id, dto);
  }

  @Post(':id/return')
  @HttpCode(200)
  @RequirePermission('applications:process')
  @AccessFirst(ApplicationPolicy, 'process')
  @ApiOperation({ summary: 'Return for completion: the applicant may edit and resubmit (a new frozen version) before dueAt' })
  returnForCompletion(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ReturnForCompletionDto) {
    return this.processing.returnForCompletion(actor, id, dto);
  }

  @Post(':id/completion-deadline')
  @HttpCode(200)
  @RequirePermission('applications:process')
  @AccessFirst(ApplicationPolicy, 'process')
  @ApiOperation({ summary: 'Extend the completion deadline of a returned application (never shortens it); the applicant is told' })
  extendCompletion(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ExtendCompletionDto) {
    return this.processing.extendCompletion(actor, id, dto);
  }

  @Get(':id/versions')
  @RequirePermission('applications:read')
  @AccessFirst(ApplicationPolicy, 'read')
  versions(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() q: PageQuery) {
    return this.applications.versions(actor, id, q);
  }

  @Get(':id/versions/:version')
  @RequirePermission('applications:read')
  @AccessFirst(ApplicationPolicy, 'read')
  version(@CurrentActor() actor: Actor, @Param('id') id: string, @Param('version', ParseIntPipe) version: number) {
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
  upload(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @UploadedFile() file: UploadedAttachment | undefined,
    @Body() dto: UploadAttachmentDto,
  ) {
    return this.attachments.add(actor, id, file, dto.description);
  }

  @Get(':id/attachments/:attachmentId')
  @RequirePermission('applications:read')
  async download(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('attachmentId') attachmentId: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { attachment, stream } = await this.attachments.open(actor, id, attachmentId);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Repr-Digest', `sha-256=:${Buffer.from(attachment.sha256, 'hex').toString('base64')}:`);
    const ascii = attachment.filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
    // RFC 8187 allows fewer characters unencoded than encodeURIComponent leaves alone: ' ( ) * must be escaped too
    const utf8 = encodeURIComponent(attachment.filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    return new StreamableFile(stream, {
      type: attachment.contentType,
      length: attachment.sizeBytes,
      disposition: `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`,
    });
  }

  @Delete(':id/attachments/:attachmentId')
  @HttpCode(204)
  @RequirePermission('applications:write')
  async removeAttachment(@CurrentActor() actor: Actor, @Param('id') id: string, @Param('attachmentId') attachmentId: string) {
    await this.attachments.remove(actor, id, attachmentId);
  }
}

/** The case journal (journalposter); the case number has a slash, so it comes URL-encoded or as year and number. */
@ApiTags('applications')
@ApiBearerAuth()
@Controller('cases')
export class CasesController {
  constructor(private readonly journal: CaseJournal) {}

  @Get(':caseNumber/journal')
  @RequirePermission('cases:journal')
  @ApiOperation({ summary: 'Journal of a case; caseNumber URL-encoded, e.g. 2026%2F00001' })
  byCaseNumber(@CurrentActor() actor: Actor, @Param('caseNumber') caseNumber: string) {
    return this.journal.journal(actor, caseNumber);
  }

  @Get(':year/:number/journal')
  @RequirePermission('cases:journal')
  @ApiOperation({ summary: 'Journal of case {year}/{number}' })
  byParts(@CurrentActor() actor: Actor, @Param('year') year: string, @Param('number') number: string) {
    return this.journal.journal(actor, `${year}/${number}`);
  }
}
