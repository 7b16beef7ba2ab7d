import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Put, Query, Res, StreamableFile } from '@nestjs/common';
import { attachmentDisposition } from '../common/content-disposition';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiPage, ApiProblems } from '../common/openapi';
import { ApplicationVersionSummaryView } from '../applications/dto/applications.views';
import type { Response } from 'express';
import { Page, PageQuery } from '../common/pagination';
import { Actor } from '../common/actor';
import { CurrentActor, RequirePermission } from '../common/decorators';
import { AssessmentService } from './assessment.service';
import {
  AdjustProposalDto,
  AssignDto,
  AssignmentQuery,
  BulkAssignDto,
  CompleteDto,
  DeclarationDto,
  ModerationDto,
  ReasonDto,
  ScoresDto,
  TiesDto,
} from './dto/assessment.dto';
import {
  ApplicationAssessmentView,
  AssessedVersionView,
  AssessmentHistoryView,
  AssignmentSummaryView,
  AssignmentView,
  BulkAssignmentView,
  PeerScoresView,
  ProposalSummaryView,
  ProposalView,
  RankingView,
  ScoreSheetView,
  TieListView,
} from './dto/assessment.views';
import { RankingService } from './ranking.service';

/** The assessor's side: ties, own assignments, the declaration gate, the gated reads, scoring. */
@ApiTags('assessment')
@Controller()
export class AssessorController {
  constructor(private readonly assessments: AssessmentService) {}

  @Get('me/ties')
  @RequirePermission('assessments:perform')
  @ApiOperation({ summary: 'Organisations you are tied to (employed by, on the board of …): checked before every assignment' })
  @ApiOkResponse({ type: TieListView })
  myTies(@CurrentActor() actor: Actor): Promise<TieListView> {
    return this.assessments.ties(actor.userId).then((items) => ({ items }));
  }

  @Put('me/ties')
  @RequirePermission('assessments:perform')
  @ApiOperation({ summary: 'Replace your list of ties' })
  @ApiOkResponse({ type: TieListView })
  @ApiProblems(400)
  replaceTies(@CurrentActor() actor: Actor, @Body() dto: TiesDto): Promise<TieListView> {
    return this.assessments.replaceTies(actor, dto).then((items) => ({ items }));
  }

  @Get('me/assignments')
  @RequirePermission('assessments:perform')
  @ApiOperation({ summary: 'Your assignments with their deadlines' })
  @ApiPage(AssignmentSummaryView)
  myAssignments(@CurrentActor() actor: Actor, @Query() q: AssignmentQuery): Promise<Page<AssignmentSummaryView>> {
    return this.assessments.mine(actor, q);
  }

  @Get('assignments/:id')
  @RequirePermission('assessments:perform')
  @ApiOperation({ summary: 'An assignment: title, call, consortium members, criteria; nothing of the content before the declaration' })
  @ApiOkResponse({ type: AssignmentView })
  @ApiProblems(404)
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<AssignmentView> {
    return this.assessments.get(actor, id);
  }

  @Post('assignments/:id/declaration')
  @HttpCode(200)
  @RequirePermission('assessments:perform')
  @ApiOperation({
    summary: 'Declare no conflict of interest (then read and score), or a conflict (the assignment ends, the officer is told)',
  })
  @ApiOkResponse({ type: AssignmentView })
  @ApiProblems(400, 404, 409)
  declare(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: DeclarationDto): Promise<AssignmentView> {
    return this.assessments.declare(actor, id, dto);
  }

  @Get('assignments/:id/application')
  @RequirePermission('assessments:perform')
  @ApiOperation({ summary: 'The submitted version being assessed (403 NOT_DECLARED before the declaration)' })
  @ApiOkResponse({ type: AssessedVersionView })
  @ApiProblems(404)
  application(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<AssessedVersionView> {
    return this.assessments.application(actor, id);
  }

  @Get('assignments/:id/versions')
  @RequirePermission('assessments:perform')
  @ApiPage(ApplicationVersionSummaryView)
  @ApiProblems(404)
  versions(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() q: PageQuery): Promise<Page<ApplicationVersionSummaryView>> {
    return this.assessments.versions(actor, id, q);
  }

  @Get('assignments/:id/versions/:version')
  @RequirePermission('assessments:perform')
  @ApiOkResponse({ type: AssessedVersionView })
  @ApiProblems(400, 404)
  version(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('version', ParseIntPipe) version: number,
  ): Promise<AssessedVersionView> {
    return this.assessments.version(actor, id, version);
  }

  @Get('assignments/:id/attachments/:attachmentId')
  @RequirePermission('assessments:perform')
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'the file, in its own content type', schema: { type: 'string', format: 'binary' } })
  @ApiProblems(404)
  async attachment(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('attachmentId') attachmentId: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { attachment, stream } = await this.assessments.attachment(actor, id, attachmentId);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    return new StreamableFile(stream, {
      type: attachment.contentType,
      length: attachment.sizeBytes,
      disposition: attachmentDisposition(attachment.filename),
    });
  }

  @Get('assignments/:id/scores')
  @RequirePermission('assessments:perform')
  @ApiOperation({ summary: 'My scores so far (after declaring no conflict)' })
  @ApiOkResponse({ type: ScoreSheetView })
  @ApiProblems(404)
  scores(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ScoreSheetView> {
    return this.assessments.scores(actor, id);
  }

  @Put('assignments/:id/scores')
  @RequirePermission('assessments:perform')
  @ApiOperation({ summary: 'Save draft scores (each: a whole score on the scale or N/A, rationale at the ends and for N/A)' })
  @ApiOkResponse({ type: ScoreSheetView })
  @ApiProblems(400, 404, 409)
  saveScores(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ScoresDto): Promise<ScoreSheetView> {
    return this.assessments.saveScores(actor, id, dto);
  }

  @Post('assignments/:id/complete')
  @HttpCode(200)
  @RequirePermission('assessments:perform')
  @ApiOperation({ summary: 'Lock the scores with a recommendation, once every criterion is answered' })
  @ApiOkResponse({ type: AssignmentView })
  @ApiProblems(400, 404, 409, 422)
  complete(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: CompleteDto): Promise<AssignmentView> {
    return this.assessments.complete(actor, id, dto);
  }

  @Get('assignments/:id/peer-scores')
  @RequirePermission('assessments:perform')
  @ApiOperation({ summary: 'The other assessors’ completed scores, once your own assessment is complete' })
  @ApiOkResponse({ type: PeerScoresView })
  @ApiProblems(404)
  peerScores(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<PeerScoresView> {
    return this.assessments.peerScores(actor, id);
  }

  @Get('assignments/:id/history')
  @RequirePermission('assessments:perform')
  @ApiOperation({ summary: 'Earlier rounds of a reopened assessment (its assessor or an officer)' })
  @ApiOkResponse({ type: AssessmentHistoryView })
  @ApiProblems(404)
  history(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<AssessmentHistoryView> {
    return this.assessments.history(actor, id);
  }
}

/** The officer's side: assigning, following up, moderating, ranking and the allocation proposal. */
@ApiTags('assessment')
@Controller()
export class AssessmentOfficeController {
  constructor(
    private readonly assessments: AssessmentService,
    private readonly ranking: RankingService,
  ) {}

  @Get('users/:id/ties')
  @RequirePermission('assessments:manage')
  @ApiOkResponse({ type: TieListView })
  @ApiProblems(404)
  userTies(@Param('id') id: string): Promise<TieListView> {
    return this.assessments.userTies(id).then((items) => ({ items }));
  }

  @Post('applications/:id/assignments')
  @RequirePermission('assessments:manage')
  @ApiOperation({ summary: 'Assign an assessor (refused with the tie named if it is tied to a consortium member)' })
  @ApiCreatedResponse({ type: AssignmentView })
  @ApiProblems(400, 404, 409)
  assign(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: AssignDto): Promise<AssignmentView> {
    return this.assessments.assign(actor, id, dto);
  }

  @Get('applications/:id/assignments')
  @RequirePermission('assessments:manage')
  @ApiPage(AssignmentSummaryView)
  ofApplication(@Param('id') id: string, @Query() q: AssignmentQuery): Promise<Page<AssignmentSummaryView>> {
    return this.assessments.ofApplication(id, q);
  }

  @Get('applications/:id/assessment')
  @RequirePermission('assessments:manage')
  @ApiOperation({ summary: 'Every assessor’s scores, means, spreads, the moderation flag and the moderation' })
  @ApiOkResponse({ type: ApplicationAssessmentView })
  @ApiProblems(404)
  assessment(@Param('id') id: string): Promise<ApplicationAssessmentView> {
    return this.ranking.applicationAssessment(id);
  }

  @Post('applications/:id/moderation')
  @HttpCode(200)
  @RequirePermission('assessments:manage')
  @ApiOperation({ summary: 'Record the agreed score per criterion with a rationale; it then counts' })
  @ApiOkResponse({ type: ApplicationAssessmentView })
  @ApiProblems(400, 404, 409)
  moderate(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ModerationDto): Promise<ApplicationAssessmentView> {
    return this.ranking.moderate(actor, id, dto);
  }

  @Post('assignments/:id/reopen')
  @HttpCode(200)
  @RequirePermission('assessments:manage')
  @ApiOperation({ summary: 'Reopen a completed assessment with a reason; its scores so far stay in its history' })
  @ApiOkResponse({ type: AssignmentView })
  @ApiProblems(400, 404, 409)
  reopen(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ReasonDto): Promise<AssignmentView> {
    return this.assessments.reopen(actor, id, dto);
  }

  @Post('assignments/:id/withdraw')
  @HttpCode(200)
  @RequirePermission('assessments:manage')
  @ApiOperation({ summary: 'Take back an assignment not yet completed' })
  @ApiOkResponse({ type: AssignmentView })
  @ApiProblems(400, 404, 409)
  withdraw(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ReasonDto): Promise<AssignmentView> {
    return this.assessments.withdraw(actor, id, dto);
  }

  @Post('calls/:id/assignments')
  @RequirePermission('assessments:manage')
  @ApiOperation({ summary: 'Assign assessors to every assessable application of the call, spread evenly, skipping tied assessors' })
  @ApiCreatedResponse({ type: BulkAssignmentView })
  @ApiProblems(400, 404)
  assignCall(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: BulkAssignDto): Promise<BulkAssignmentView> {
    return this.assessments.assignCall(actor, id, dto);
  }

  @Get('calls/:id/assignments')
  @RequirePermission('assessments:manage')
  @ApiPage(AssignmentSummaryView)
  ofCall(@Param('id') id: string, @Query() q: AssignmentQuery): Promise<Page<AssignmentSummaryView>> {
    return this.assessments.ofCall(id, q);
  }

  @Get('calls/:id/ranking')
  @RequirePermission('assessments:manage')
  @ApiOperation({ summary: 'Applications in score order with amounts, cumulative request against the budget, and what is still awaited' })
  @ApiOkResponse({ type: RankingView })
  @ApiProblems(404)
  callRanking(@Param('id') id: string): Promise<RankingView> {
    return this.ranking.ranking(id);
  }

  @Post('calls/:id/allocation-proposals')
  @RequirePermission('assessments:manage')
  @ApiOperation({ summary: 'A new proposal version from the ranking: full grants while the budget lasts, a partial one at the margin' })
  @ApiCreatedResponse({ type: ProposalView })
  @ApiProblems(404, 409)
  propose(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ProposalView> {
    return this.ranking.propose(actor, id);
  }

  @Get('calls/:id/allocation-proposals')
  @RequirePermission('assessments:manage')
  @ApiOperation({ summary: 'The proposal versions of a call, newest first' })
  @ApiPage(ProposalSummaryView)
  @ApiProblems(404)
  proposals(@Param('id') id: string, @Query() q: PageQuery): Promise<Page<ProposalSummaryView>> {
    return this.ranking.proposals(id, q);
  }

  @Get('allocation-proposals/:id')
  @RequirePermission('assessments:manage')
  @ApiOkResponse({ type: ProposalView })
  @ApiProblems(404)
  proposal(@Param('id') id: string): Promise<ProposalView> {
    return this.ranking.proposal(id);
  }

  @Post('allocation-proposals/:id/adjustments')
  @RequirePermission('assessments:manage')
  @ApiOperation({ summary: 'Change lines with a reason each: a new version; above the budget is refused with the amount over' })
  @ApiCreatedResponse({ type: ProposalView })
  @ApiProblems(400, 404, 409, 422)
  adjust(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: AdjustProposalDto): Promise<ProposalView> {
    return this.ranking.adjust(actor, id, dto);
  }
}
