import { Body, Controller, Get, Param, Post, Query, Res, StreamableFile, UploadedFiles, UseInterceptors } from '@nestjs/common';
import { FilesInterceptor } from '@nestjs/platform-express';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { UploadedAttachment } from '../applications/attachments/attachments.service';
import { Actor } from '../common/actor';
import { attachmentDisposition, reprDigest } from '../common/content-disposition';
import { CurrentActor, RequirePermission } from '../common/decorators';
import { ApiPage, ApiProblems } from '../common/openapi';
import { Page, PageQuery } from '../common/pagination';
import { CaseActivityService } from './case-activity.service';
import { MessageUploadGate, NoteUploadGate } from './case-message-upload.gate';
import { CaseMessagesService } from './case-messages.service';
import { MESSAGE_FILES_MAX, WRITE_MESSAGE_MULTIPART, WriteMessageDto } from './dto/case-messages.dto';
import { ActivityItemView, CaseMessageView } from './dto/case-messages.views';

/** JSON without files, or multipart/form-data with them: the same fields either way. */
const WRITE_BODY = {
  required: true,
  content: {
    'application/json': { schema: { $ref: getSchemaPath(WriteMessageDto) } },
    'multipart/form-data': { schema: WRITE_MESSAGE_MULTIPART },
  },
};

/**
 * Messages in a case and its activity. The case number has a slash: send it URL-encoded (2026%2F00001). The audience
 * is the route's, never a field: `messages` is the thread between the consortium and the staff, `notes` the staff's
 * internal notes.
 */
@ApiTags('cases')
@ApiExtraModels(WriteMessageDto)
@Controller('cases')
export class CaseMessagesController {
  constructor(
    private readonly messages: CaseMessagesService,
    private readonly activityFeed: CaseActivityService,
  ) {}

  @Get(':caseNumber/messages')
  @RequirePermission('applications:read')
  @ApiOperation({
    summary: 'The messages between the consortium and the staff, oldest first (the consortium’s applicants and staff; 404 for anyone else)',
  })
  @ApiPage(CaseMessageView)
  @ApiProblems(404)
  list(@CurrentActor() actor: Actor, @Param('caseNumber') caseNumber: string, @Query() q: PageQuery): Promise<Page<CaseMessageView>> {
    return this.messages.list(actor, caseNumber, 'CONSORTIUM', q);
  }

  @Post(':caseNumber/messages')
  @RequirePermission('cases:messages')
  @UseInterceptors(MessageUploadGate, FilesInterceptor('files', MESSAGE_FILES_MAX))
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody(WRITE_BODY)
  @ApiOperation({
    summary:
      'Write in the case: an applicant of the consortium to the staff (inbound, I), an officer or approver to the consortium (outbound, U); ' +
      `up to ${MESSAGE_FILES_MAX} PDF or Office files in "files", together within MAX_UPLOAD_BYTES`,
  })
  @ApiCreatedResponse({ type: CaseMessageView })
  @ApiProblems(400, 404, 413, 415)
  write(
    @CurrentActor() actor: Actor,
    @Param('caseNumber') caseNumber: string,
    @Body() dto: WriteMessageDto,
    @UploadedFiles() files: UploadedAttachment[] | undefined,
  ): Promise<CaseMessageView> {
    return this.messages.write(actor, caseNumber, 'CONSORTIUM', dto, files ?? []);
  }

  @Get(':caseNumber/notes')
  @RequirePermission('cases:journal')
  @ApiOperation({ summary: 'The staff’s internal notes in the case, oldest first (never shown to the consortium or to assessors)' })
  @ApiPage(CaseMessageView)
  @ApiProblems(404)
  notes(@CurrentActor() actor: Actor, @Param('caseNumber') caseNumber: string, @Query() q: PageQuery): Promise<Page<CaseMessageView>> {
    return this.messages.list(actor, caseNumber, 'INTERNAL', q);
  }

  @Post(':caseNumber/notes')
  @RequirePermission('cases:notes')
  @UseInterceptors(NoteUploadGate, FilesInterceptor('files', MESSAGE_FILES_MAX))
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody(WRITE_BODY)
  @ApiOperation({ summary: 'Write an internal note in the case (journaled as N), with files as a message takes them' })
  @ApiCreatedResponse({ type: CaseMessageView })
  @ApiProblems(400, 404, 413, 415)
  writeNote(
    @CurrentActor() actor: Actor,
    @Param('caseNumber') caseNumber: string,
    @Body() dto: WriteMessageDto,
    @UploadedFiles() files: UploadedAttachment[] | undefined,
  ): Promise<CaseMessageView> {
    return this.messages.write(actor, caseNumber, 'INTERNAL', dto, files ?? []);
  }

  @Get(':caseNumber/messages/:messageId/attachments/:attachmentId')
  @RequirePermission('applications:read')
  @ApiOperation({ summary: 'A file of a message or note, as sent, with Repr-Digest (SHA-256); for whoever may read the message' })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'the file, in its own content type', schema: { type: 'string', format: 'binary' } })
  @ApiProblems(404)
  async download(
    @CurrentActor() actor: Actor,
    @Param('caseNumber') caseNumber: string,
    @Param('messageId') messageId: string,
    @Param('attachmentId') attachmentId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const { attachment, stream } = await this.messages.openAttachment(actor, caseNumber, messageId, attachmentId);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Repr-Digest', reprDigest(attachment.sha256));
    return new StreamableFile(stream, {
      type: attachment.contentType,
      length: attachment.sizeBytes,
      disposition: attachmentDisposition(attachment.filename),
    });
  }

  @Get(':caseNumber/activity')
  @RequirePermission('cases:journal')
  @ApiOperation({
    summary: 'Staff only: one time line of the case, oldest first — journal entries, messages and notes, and state transitions',
  })
  @ApiPage(ActivityItemView)
  @ApiProblems(404)
  activity(@CurrentActor() actor: Actor, @Param('caseNumber') caseNumber: string, @Query() q: PageQuery): Promise<Page<ActivityItemView>> {
    return this.activityFeed.activity(actor, caseNumber, q);
  }
}
