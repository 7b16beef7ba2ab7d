import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor';
import { CurrentActor, RequirePermission } from '../common/decorators';
import { ApiPage, ApiProblems } from '../common/openapi';
import { Page } from '../common/pagination';
import { GrantListQuery } from './dto/grants.dto';
import { GrantView } from './dto/grants.views';
import { GrantsService } from './grants.service';

@ApiTags('grants')
@Controller('grants')
export class GrantsController {
  constructor(private readonly grants: GrantsService) {}

  @Get()
  @RequirePermission('grants:read')
  @ApiOperation({ summary: 'Grants the caller may see (the consortium its own), newest first' })
  @ApiPage(GrantView)
  list(@CurrentActor() actor: Actor, @Query() q: GrantListQuery): Promise<Page<GrantView>> {
    return this.grants.list(actor, q);
  }

  @Get(':id')
  @RequirePermission('grants:read')
  @ApiOperation({ summary: 'A grant: amount, payment plan, reports owed, acceptance' })
  @ApiOkResponse({ type: GrantView })
  @ApiProblems(404)
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<GrantView> {
    return this.grants.get(actor, id);
  }
}
