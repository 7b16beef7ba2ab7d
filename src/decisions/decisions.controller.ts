import { reprDigest } from '../common/content-disposition';
import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor } from '../common/actor';
import { CurrentActor, RequirePermission } from '../common/decorators';
import { ApiPage, ApiProblems } from '../common/openapi';
import { Page } from '../common/pagination';
import { AccessFirst } from '../identity/access/access-gate';
import { DecisionLetters } from './decision-letters.service';
import { DecisionPolicy } from './decision.policy';
import { DecisionsService } from './decisions.service';
import {
  ApproveDecisionDto,
  BulkDecisionDto,
  DecisionListQuery,
  DiscardDecisionDto,
  DraftDecisionDto,
  LetterQuery,
  ReturnDecisionDto,
  UpdateDecisionDto,
} from './dto/decisions.dto';
import { BulkDecisionView, DecisionListView, DecisionView, DraftFromProposalView } from './dto/decisions.views';

@ApiTags('decisions')
@Controller()
export class DecisionsController {
  constructor(
    private readonly decisions: DecisionsService,
    private readonly letters: DecisionLetters,
  ) {}

  @Post('applications/:id/decisions')
  @RequirePermission('decisions:prepare')
  @ApiOperation({
    summary: 'Draft a decision for an assessed application (prefilled: amount from the latest proposal, reasons from the assessment)',
  })
  @ApiCreatedResponse({ type: DecisionView })
  @ApiProblems(400, 404, 409, 422)
  draft(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: DraftDecisionDto): Promise<DecisionView> {
    return this.decisions.draft(actor, id, dto) as Promise<DecisionView>;
  }

  @Get('applications/:id/decisions')
  @RequirePermission('decisions:read')
  @ApiOperation({ summary: "An application's decisions the caller may see (the consortium sees them once sent), oldest first" })
  @ApiOkResponse({ type: DecisionListView })
  forApplication(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<DecisionListView> {
    return this.decisions.forApplication(actor, id) as Promise<DecisionListView>;
  }

  @Post('allocation-proposals/:id/decisions')
  @RequirePermission('decisions:prepare')
  @ApiOperation({
    summary: 'Draft a decision for every line of an allocation proposal (each line as if alone; the answer says what became of each)',
  })
  @ApiCreatedResponse({ type: DraftFromProposalView })
  @ApiProblems(404)
  draftFromProposal(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<DraftFromProposalView> {
    return this.decisions.draftFromProposal(actor, id);
  }

  @Get('decisions')
  @RequirePermission('decisions:read')
  @ApiOperation({ summary: 'Decisions, newest change first: status=PROPOSED is what awaits approval' })
  @ApiPage(DecisionView)
  list(@CurrentActor() actor: Actor, @Query() q: DecisionListQuery): Promise<Page<DecisionView>> {
    return this.decisions.list(actor, q) as Promise<Page<DecisionView>>;
  }

  @Post('decisions/bulk')
  @HttpCode(200)
  @RequirePermission('decisions:approve')
  @ApiOperation({ summary: 'Approve or return many decisions, each checked as if alone; the answer says per decision what happened' })
  @ApiOkResponse({ type: BulkDecisionView })
  @ApiProblems(400)
  bulk(@CurrentActor() actor: Actor, @Body() dto: BulkDecisionDto): Promise<BulkDecisionView> {
    return this.decisions.bulk(actor, dto);
  }

  @Get('decisions/:id')
  @RequirePermission('decisions:read')
  @ApiOperation({ summary: 'A decision; staff also see the internal note, the out-of-rank justification and the history' })
  @ApiOkResponse({ type: DecisionView })
  @ApiProblems(404)
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<DecisionView> {
    return this.decisions.get(actor, id) as Promise<DecisionView>;
  }

  @Patch('decisions/:id')
  @RequirePermission('decisions:prepare')
  @AccessFirst(DecisionPolicy, 'prepare')
  @ApiOperation({ summary: 'Edit a draft or returned decision' })
  @ApiOkResponse({ type: DecisionView })
  @ApiProblems(400, 404, 409, 422)
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: UpdateDecisionDto): Promise<DecisionView> {
    return this.decisions.update(actor, id, dto) as Promise<DecisionView>;
  }

  @Post('decisions/:id/propose')
  @HttpCode(200)
  @RequirePermission('decisions:prepare')
  @ApiOperation({
    summary: 'Propose the decision for approval (reasons and legal basis required; out of rank order needs a justification)',
  })
  @ApiOkResponse({ type: DecisionView })
  @ApiProblems(404, 409, 422)
  propose(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<DecisionView> {
    return this.decisions.propose(actor, id) as Promise<DecisionView>;
  }

  @Post('decisions/:id/approve')
  @HttpCode(200)
  @RequirePermission('decisions:approve')
  @AccessFirst(DecisionPolicy, 'approve')
  @ApiOperation({
    summary:
      'Approve a proposed decision (not by its proposer): commits the amount within the call budget, creates the grant and sends the letter',
  })
  @ApiOkResponse({ type: DecisionView })
  @ApiProblems(400, 403, 404, 409, 422)
  approve(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ApproveDecisionDto): Promise<DecisionView> {
    return this.decisions.approve(actor, id, dto.comment) as Promise<DecisionView>;
  }

  @Post('decisions/:id/return')
  @HttpCode(200)
  @RequirePermission('decisions:approve')
  @AccessFirst(DecisionPolicy, 'approve')
  @ApiOperation({ summary: 'Send a proposed decision back to the officer with a comment' })
  @ApiOkResponse({ type: DecisionView })
  @ApiProblems(400, 403, 404, 409)
  returnToOfficer(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ReturnDecisionDto): Promise<DecisionView> {
    return this.decisions.returnToOfficer(actor, id, dto.comment) as Promise<DecisionView>;
  }

  @Post('decisions/:id/discard')
  @HttpCode(200)
  @RequirePermission('decisions:prepare')
  @AccessFirst(DecisionPolicy, 'prepare')
  @ApiOperation({ summary: 'Discard a decision that was not approved' })
  @ApiOkResponse({ type: DecisionView })
  @ApiProblems(400, 404, 409)
  discard(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: DiscardDecisionDto): Promise<DecisionView> {
    return this.decisions.discard(actor, id, dto.reason) as Promise<DecisionView>;
  }

  @Get('decisions/:id/letter')
  @RequirePermission('decisions:read')
  @ApiOperation({ summary: 'The decision letter as sent: PDF/A-2b (default) or HTML' })
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
    const letter = await this.letters.open(actor, id, q.format ?? 'pdf');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Repr-Digest', reprDigest(letter.sha256));
    return new StreamableFile(letter.stream, { type: letter.contentType, disposition: `inline; filename="${letter.filename}"` });
  }
}
