import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { Page, PageQuery } from '../common/pagination';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPage, ApiProblems } from '../common/openapi';
import { CallsService } from './calls.service';
import {
  CallQuery,
  CloseCallDto,
  CreateCallDto,
  CreateDirectAllocationDto,
  CreateTechnologyAreaDto,
  ReopenCallDto,
  UpdateCallDto,
} from './dto/calls.dto';
import { CallView, DirectAllocationView, SchemeView, TechnologyAreaView } from './dto/calls.views';
import { SchemeService } from './scheme.service';
import { Actor } from '../common/actor';
import { CurrentActor, RequirePermission } from '../common/decorators';

@ApiTags('calls')
@Controller('calls')
export class CallsController {
  constructor(private readonly calls: CallsService) {}

  @Post()
  @RequirePermission('calls:manage')
  @ApiOperation({ summary: 'Create a call (utlysning) as a draft; rules default to the demo configuration of the measure' })
  @ApiCreatedResponse({ type: CallView })
  @ApiProblems(400)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateCallDto): Promise<CallView> {
    return this.calls.create(actor, dto);
  }

  @Get()
  @RequirePermission('calls:read')
  @ApiOperation({ summary: 'List calls; drafts only for officers' })
  @ApiPage(CallView)
  list(@CurrentActor() actor: Actor, @Query() q: CallQuery): Promise<Page<CallView>> {
    return this.calls.list(actor, q);
  }

  @Get(':id')
  @RequirePermission('calls:read')
  @ApiOkResponse({ type: CallView })
  @ApiProblems(404)
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<CallView> {
    return this.calls.get(actor, id);
  }

  @Patch(':id')
  @RequirePermission('calls:manage')
  @ApiOperation({ summary: 'Change a draft in place; a published call gets a new version (changeReason required)' })
  @ApiOkResponse({ type: CallView })
  @ApiProblems(400, 404, 409)
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: UpdateCallDto): Promise<CallView> {
    return this.calls.update(actor, id, dto);
  }

  @Post(':id/publish')
  @HttpCode(200)
  @RequirePermission('calls:manage')
  @ApiOperation({ summary: 'Publish: the rules are frozen as version 1' })
  @ApiOkResponse({ type: CallView })
  @ApiProblems(400, 404, 409)
  publish(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<CallView> {
    return this.calls.publish(actor, id);
  }

  @Post(':id/close')
  @HttpCode(200)
  @RequirePermission('calls:manage')
  @ApiOperation({ summary: 'Close for applications (a reason is required before the closing time)' })
  @ApiOkResponse({ type: CallView })
  @ApiProblems(400, 404, 409)
  close(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: CloseCallDto): Promise<CallView> {
    return this.calls.close(actor, id, dto);
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @RequirePermission('calls:manage')
  @ApiOperation({ summary: 'Open a closed call again with a later closing time (a new version, with the reason)' })
  @ApiOkResponse({ type: CallView })
  @ApiProblems(400, 404, 409)
  reopen(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ReopenCallDto): Promise<CallView> {
    return this.calls.reopen(actor, id, dto);
  }

  @Post(':id/archive')
  @HttpCode(200)
  @RequirePermission('calls:manage')
  @ApiOperation({ summary: 'Archive a closed or decided call (409 while applications under it are still in progress)' })
  @ApiOkResponse({ type: CallView })
  @ApiProblems(404, 409)
  archive(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<CallView> {
    return this.calls.archive(actor, id);
  }
}

@ApiTags('calls')
@Controller()
export class SchemeController {
  constructor(private readonly scheme: SchemeService) {}

  @Get('schemes')
  @RequirePermission('calls:read')
  @ApiOperation({ summary: 'The scheme, its measures (and which take applications) and technology areas' })
  @ApiPage(SchemeView)
  schemes(@Query() q: PageQuery): Promise<Page<SchemeView>> {
    return this.scheme.schemes(q);
  }

  @Get('technology-areas')
  @RequirePermission('calls:read')
  @ApiPage(TechnologyAreaView)
  technologyAreas(@Query() q: PageQuery): Promise<Page<TechnologyAreaView>> {
    return this.scheme.technologyAreas(q);
  }

  @Post('technology-areas')
  @RequirePermission('calls:manage')
  @ApiOperation({ summary: 'Add a technology area (the list grows: VELFERDSTEKNOLOGI, DIGITAL_HJEMMEOPPFOLGING, ...)' })
  @ApiCreatedResponse({ type: TechnologyAreaView })
  @ApiProblems(400, 409)
  addTechnologyArea(@Body() dto: CreateTechnologyAreaDto): Promise<TechnologyAreaView> {
    return this.scheme.addTechnologyArea(dto);
  }

  @Get('direct-allocations')
  @RequirePermission('calls:read')
  @ApiPage(DirectAllocationView)
  directAllocations(@Query() q: PageQuery): Promise<Page<DirectAllocationView>> {
    return this.scheme.directAllocations(q);
  }

  @Post('direct-allocations')
  @RequirePermission('calls:manage')
  @ApiOperation({ summary: 'Record a direct allocation (KOMPETANSENETTVERK to KS), given without competition' })
  @ApiCreatedResponse({ type: DirectAllocationView })
  @ApiProblems(400, 409)
  addDirectAllocation(@CurrentActor() actor: Actor, @Body() dto: CreateDirectAllocationDto): Promise<DirectAllocationView> {
    return this.scheme.addDirectAllocation(actor, dto);
  }
}
