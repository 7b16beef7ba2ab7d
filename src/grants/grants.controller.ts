import { Body, Controller, Get, HttpCode, Param, Post, Query, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UploadedAttachment } from '../applications/attachments/attachments.service';
import { Actor } from '../common/actor';
import { CurrentActor, RequirePermission } from '../common/decorators';
import { ApiPage, ApiProblems } from '../common/openapi';
import { Page } from '../common/pagination';
import { AccessFirst } from '../identity/access/access-gate';
import { AcceptGrantDto, GrantListQuery, SignedAcceptanceDto } from './dto/grants.dto';
import { GrantDetailView, GrantView } from './dto/grants.views';
import { GrantAcceptanceService } from './grant-acceptance.service';
import { GrantPolicy } from './grant.policy';
import { GrantsService } from './grants.service';
import { SignedAcceptanceGate } from './signed-acceptance.gate';

@ApiTags('grants')
@Controller('grants')
export class GrantsController {
  constructor(
    private readonly grants: GrantsService,
    private readonly acceptance: GrantAcceptanceService,
  ) {}

  @Get()
  @RequirePermission('grants:read')
  @ApiOperation({ summary: 'Grants the caller may see (the consortium its own), newest first' })
  @ApiPage(GrantView)
  list(@CurrentActor() actor: Actor, @Query() q: GrantListQuery): Promise<Page<GrantView>> {
    return this.grants.list(actor, q);
  }

  @Get(':id')
  @RequirePermission('grants:read')
  @ApiOperation({ summary: 'A grant: amount, payment plan, reports owed, acceptance, and its ledger (tranches, payments, reclaims)' })
  @ApiOkResponse({ type: GrantDetailView })
  @ApiProblems(404)
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<GrantDetailView> {
    return this.grants.get(actor, id) as Promise<GrantDetailView>;
  }

  @Post(':id/accept')
  @HttpCode(200)
  @RequirePermission('grants:accept')
  @AccessFirst(GrantPolicy, 'accept')
  @ApiOperation({
    summary:
      "The lead municipality's applicant accepts the grant's conditions for the consortium, before the deadline (acceptBy): the grant becomes ACTIVE",
  })
  @ApiOkResponse({ type: GrantView })
  @ApiProblems(400, 403, 404, 409, 422)
  accept(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: AcceptGrantDto): Promise<GrantView> {
    return this.acceptance.accept(actor, id, dto);
  }

  @Post(':id/signed-acceptance')
  @HttpCode(200)
  @RequirePermission('grants:manage')
  @UseInterceptors(SignedAcceptanceGate, FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file', 'name', 'title'],
      properties: {
        file: { type: 'string', format: 'binary', description: 'the signed acceptance, a PDF' },
        name: { type: 'string', description: 'who signed for the lead municipality' },
        title: { type: 'string', description: 'their title (stilling)' },
        signedOn: { type: 'string', format: 'date', description: 'the day it was signed (Oslo); left out: today' },
      },
    },
  })
  @ApiOperation({
    summary:
      'An officer records an acceptance signed outside the system (the signed PDF kept with its SHA-256 and journaled): the grant becomes ACTIVE',
  })
  @ApiOkResponse({ type: GrantView })
  @ApiProblems(400, 404, 409, 413, 415, 422)
  signedAcceptance(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @UploadedFile() file: UploadedAttachment | undefined,
    @Body() dto: SignedAcceptanceDto,
  ): Promise<GrantView> {
    return this.acceptance.recordSigned(actor, id, file, dto);
  }
}
