import { Body, Controller, Get, HttpCode, Param, Post, Res, StreamableFile, UploadedFile, UseInterceptors } from '@nestjs/common';
import { attachmentDisposition, reprDigest } from '../common/content-disposition';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { UploadedAttachment } from '../applications/attachments/attachments.service';
import { Actor } from '../common/actor';
import { CurrentActor, RequirePermission } from '../common/decorators';
import { ApiProblems } from '../common/openapi';
import { AccessFirst } from '../identity/access/access-gate';
import { AppealUploadGate } from './appeal-upload';
import { AppealPolicy } from './appeal.policy';
import { AppealsService } from './appeals.service';
import { DecisionPolicy } from './decision.policy';
import { AppealOutcomeDto, ForwardAppealDto, LodgeAppealDto } from './dto/appeals.dto';
import { AppealAttachmentView, AppealListView, AppealView } from './dto/appeals.views';
import { DraftDecisionDto } from './dto/decisions.dto';
import { DecisionView } from './dto/decisions.views';

@ApiTags('appeals')
@Controller()
export class AppealsController {
  constructor(private readonly appeals: AppealsService) {}

  @Post('decisions/:id/appeals')
  @RequirePermission('appeals:lodge')
  @AccessFirst(DecisionPolicy, 'lodge')
  @ApiOperation({
    summary:
      'Appeal a sent decision (klage): the lead municipality within three weeks of the letter (to the end of the last day, Norwegian time, moved past weekends and public holidays); after that an officer may register it with lateAdmissionReason (forvaltningsloven § 31)',
  })
  @ApiCreatedResponse({ type: AppealView })
  @ApiProblems(400, 403, 404, 409, 422)
  lodge(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: LodgeAppealDto): Promise<AppealView> {
    return this.appeals.lodge(actor, id, dto);
  }

  @Get('decisions/:id/appeals')
  @RequirePermission('decisions:read')
  @ApiOperation({ summary: 'The appeals of a decision, oldest first' })
  @ApiOkResponse({ type: AppealListView })
  @ApiProblems(404)
  forDecision(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<AppealListView> {
    return this.appeals.forDecision(actor, id);
  }

  @Get('appeals/:id')
  @RequirePermission('decisions:read')
  @ApiOperation({ summary: 'An appeal: its grounds, deadline, course, attachments and the reversal drafted on it' })
  @ApiOkResponse({ type: AppealView })
  @ApiProblems(404)
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<AppealView> {
    return this.appeals.get(actor, id);
  }

  @Post('appeals/:id/attachments')
  @RequirePermission('appeals:lodge')
  @UseInterceptors(AppealUploadGate, FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiOperation({ summary: 'Add a document to an open appeal (PDF or Office, checked by content; registered as inbound in the case)' })
  @ApiCreatedResponse({ type: AppealAttachmentView })
  @ApiProblems(400, 403, 404, 409, 413)
  attach(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @UploadedFile() file: UploadedAttachment | undefined,
  ): Promise<AppealAttachmentView> {
    return this.appeals.attach(actor, id, file);
  }

  @Get('appeals/:id/attachments/:attachmentId')
  @RequirePermission('decisions:read')
  @ApiOperation({ summary: 'Download a document of the appeal: the bytes as received, with Repr-Digest (SHA-256)' })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'the file, in its own content type', schema: { type: 'string', format: 'binary' } })
  @ApiProblems(404)
  async download(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('attachmentId') attachmentId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const { attachment, stream } = await this.appeals.openAttachment(actor, id, attachmentId);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Repr-Digest', reprDigest(attachment.sha256));
    return new StreamableFile(stream, {
      type: attachment.mediaType,
      length: attachment.sizeBytes,
      disposition: attachmentDisposition(attachment.filename),
    });
  }

  @Post('appeals/:id/reversal')
  @RequirePermission('appeals:handle')
  @AccessFirst(AppealPolicy, 'handle')
  @ApiOperation({
    summary:
      'Draft a decision reversing the appealed one in full or in part (forvaltningsloven § 33); it is proposed and approved as any decision, and its approval supersedes the old one, adjusts the grant and the budget and marks the appeal REVERSED',
  })
  @ApiCreatedResponse({ type: DecisionView })
  @ApiProblems(400, 404, 409, 422)
  reversal(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: DraftDecisionDto): Promise<DecisionView> {
    return this.appeals.draftReversal(actor, id, dto) as Promise<DecisionView>;
  }

  @Post('appeals/:id/forward')
  @HttpCode(200)
  @RequirePermission('appeals:handle')
  @AccessFirst(AppealPolicy, 'handle')
  @ApiOperation({ summary: 'Uphold the decision and forward the appeal to the appeal body with a recommendation' })
  @ApiOkResponse({ type: AppealView })
  @ApiProblems(400, 404, 409)
  forward(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ForwardAppealDto): Promise<AppealView> {
    return this.appeals.forward(actor, id, dto);
  }

  @Post('appeals/:id/outcome')
  @HttpCode(200)
  @RequirePermission('appeals:handle')
  @AccessFirst(AppealPolicy, 'handle')
  @ApiOperation({ summary: "Record the appeal body's decision: closes the appeal" })
  @ApiOkResponse({ type: AppealView })
  @ApiProblems(400, 404, 409, 422)
  outcome(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: AppealOutcomeDto): Promise<AppealView> {
    return this.appeals.recordOutcome(actor, id, dto);
  }
}
