import { reprDigest } from '../../common/content-disposition';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor } from '../../common/actor';
import { CurrentActor, RequirePermission } from '../../common/decorators';
import { ApiProblems } from '../../common/openapi';
import { IdempotentRequest } from '../../database/idempotency';
import { Idempotency, IdempotentRoute, reply } from '../payments/idempotent-route';
import { ConfirmChangeRequestDto, ConsentDto, DecideChangeRequestDto, LetterQuery, SubmitChangeRequestDto } from './dto/grant-changes.dto';
import { ChangeRequestListView, ChangeRequestReceiptView, ChangeRequestView } from './dto/grant-changes.views';
import { GrantChangesService } from './grant-changes.service';

@ApiTags('grant changes')
@Controller()
export class GrantChangesController {
  constructor(private readonly changes: GrantChangesService) {}

  @Post('grants/:id/change-requests')
  @RequirePermission('grants:change')
  @IdempotentRoute()
  @ApiOperation({
    summary:
      "The lead municipality's applicant requests a change of an active grant (endringssøknad): a later project end, money moved between budget lines, members leaving or joining, new targets or indicators. Frozen, journaled (inbound) and receipted",
  })
  @ApiCreatedResponse({ type: ChangeRequestReceiptView })
  @ApiProblems(400, 404, 409, 422)
  async submit(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() dto: SubmitChangeRequestDto,
    @Idempotency() idem: IdempotentRequest | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ChangeRequestReceiptView> {
    return reply(res, await this.changes.submit(actor, id, dto, idem));
  }

  @Get('grants/:id/change-requests')
  @RequirePermission('grants:read')
  @ApiOperation({ summary: "A grant's change requests, oldest first (the consortium its own grant's; staff any)" })
  @ApiOkResponse({ type: ChangeRequestListView })
  @ApiProblems(404)
  list(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ChangeRequestListView> {
    return this.changes.list(actor, id);
  }

  @Get('change-requests/:id')
  @RequirePermission('grants:read')
  @ApiOperation({ summary: 'A change request as submitted, its flags, consents, decision and letter' })
  @ApiOkResponse({ type: ChangeRequestView })
  @ApiProblems(404)
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ChangeRequestView> {
    return this.changes.get(actor, id);
  }

  @Post('change-requests/:id/consents')
  @HttpCode(200)
  @RequirePermission('grants:change')
  @ApiOperation({ summary: "An applicant of a municipality the request asks to join gives that municipality's consent" })
  @ApiOkResponse({ type: ChangeRequestView })
  @ApiProblems(400, 404, 409)
  consent(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ConsentDto): Promise<ChangeRequestView> {
    return this.changes.consent(actor, id, dto);
  }

  @Post('change-requests/:id/decision')
  @HttpCode(200)
  @RequirePermission('grants:manage')
  @IdempotentRoute()
  @ApiOperation({
    summary:
      "The officer approves or rejects with reasons (the letter goes out); above the call's threshold the officer recommends (RECOMMEND) and an approver confirms — APPROVE alone is refused 403 SECOND_APPROVAL_REQUIRED",
  })
  @ApiOkResponse({ type: ChangeRequestView })
  @ApiProblems(400, 404, 409, 422)
  async decide(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() dto: DecideChangeRequestDto,
    @Idempotency() idem: IdempotentRequest | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ChangeRequestView> {
    return reply(res, await this.changes.decide(actor, id, dto, idem));
  }

  @Post('change-requests/:id/confirmation')
  @HttpCode(200)
  @RequirePermission('decisions:approve')
  @IdempotentRoute()
  @ApiOperation({
    summary:
      "An approver who did not recommend it confirms the officer's recommendation (the change takes effect) or declines it; the letter goes out",
  })
  @ApiOkResponse({ type: ChangeRequestView })
  @ApiProblems(400, 404, 409, 422)
  async confirm(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() dto: ConfirmChangeRequestDto,
    @Idempotency() idem: IdempotentRequest | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ChangeRequestView> {
    return reply(res, await this.changes.confirm(actor, id, dto, idem));
  }

  @Get('change-requests/:id/letter')
  @RequirePermission('grants:read')
  @ApiOperation({ summary: 'The decision letter of a change request as sent: PDF/A-2b (default) or HTML' })
  @ApiProduces('application/pdf', 'text/html')
  @ApiOkResponse({
    description: 'the letter',
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } }, 'text/html': { schema: { type: 'string' } } },
  })
  @ApiProblems(400, 404)
  async letter(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() q: LetterQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const letter = await this.changes.letter(actor, id, q.format ?? 'pdf');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Repr-Digest', reprDigest(letter.sha256));
    return new StreamableFile(letter.stream, { type: letter.contentType, disposition: `inline; filename="${letter.filename}"` });
  }
}
