import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor';
import { CurrentActor, RequirePermission } from '../common/decorators';
import { ApiProblems } from '../common/openapi';
import { AccessFirst } from '../identity/access/access-gate';
import { DecideStatusChangeDto, GrantStatusChangeListView, GrantStatusChangeView, ProposeStatusChangeDto } from './dto/grant-status.dto';
import { GrantPolicy } from './grant.policy';
import { GrantStatusService } from './grant-status.service';

@ApiTags('grants')
@Controller('grants')
export class GrantStatusController {
  constructor(private readonly status: GrantStatusService) {}

  @Get(':id/status-changes')
  @RequirePermission('grants:read')
  @ApiOperation({
    summary: 'Suspensions, lifted suspensions and terminations of the grant, proposed and decided (the consortium sees the confirmed ones)',
  })
  @ApiOkResponse({ type: GrantStatusChangeListView })
  @ApiProblems(404)
  list(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<GrantStatusChangeListView> {
    return this.status.list(actor, id);
  }

  @Post(':id/status-changes')
  @RequirePermission('grants:manage')
  @AccessFirst(GrantPolicy, 'manage')
  @ApiOperation({
    summary:
      'An officer proposes to suspend the grant, lift its suspension or terminate it, with reasons; an approver who is not that officer decides',
  })
  @ApiCreatedResponse({ type: GrantStatusChangeView })
  @ApiProblems(400, 404, 409)
  propose(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ProposeStatusChangeDto): Promise<GrantStatusChangeView> {
    return this.status.propose(actor, id, dto);
  }

  @Post(':id/status-changes/:changeId/decision')
  @HttpCode(200)
  @RequirePermission('grants:approve')
  @AccessFirst(GrantPolicy, 'read')
  @ApiOperation({
    summary:
      'The approver (not the proposing officer) confirms — the grant is suspended, released or terminated and the letter is sent, journaled and mailed — or rejects',
  })
  @ApiOkResponse({ type: GrantStatusChangeView })
  @ApiProblems(400, 403, 404, 409, 422)
  decide(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('changeId') changeId: string,
    @Body() dto: DecideStatusChangeDto,
  ): Promise<GrantStatusChangeView> {
    return this.status.decide(actor, id, changeId, dto);
  }
}
