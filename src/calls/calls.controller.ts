import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { PageQuery } from '../common/pagination';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
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
import { SchemeService } from './scheme.service';
import { Actor } from '../common/actor';
import { CurrentActor, RequirePermission } from '../common/decorators';

@ApiTags('calls')
@ApiBearerAuth()
@Controller('calls')
export class CallsController {
  constructor(private readonly calls: CallsService) {}

  @Post()
  @RequirePermission('calls:manage')
  @ApiOperation({ summary: 'Create a call (utlysning) as a draft; rules default to the demo configuration of the measure' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateCallDto) {
    return this.calls.create(actor, dto);
  }

  @Get()
  @RequirePermission('calls:read')
  @ApiOperation({ summary: 'List calls; drafts only for officers' })
  list(@CurrentActor() actor: Actor, @Query() q: CallQuery) {
    return this.calls.list(actor, q);
  }

  @Get(':id')
  @RequirePermission('calls:read')
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.calls.get(actor, id);
  }

  @Patch(':id')
  @RequirePermission('calls:manage')
  @ApiOperation({ summary: 'Change a draft in place; a published call gets a new version (changeReason required)' })
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: UpdateCallDto) {
    return this.calls.update(actor, id, dto);
  }

  @Post(':id/publish')
  @HttpCode(200)
  @RequirePermission('calls:manage')
  @ApiOperation({ summary: 'Publish: the rules are frozen as version 1' })
  publish(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.calls.publish(actor, id);
  }

  @Post(':id/close')
  @HttpCode(200)
  @RequirePermission('calls:manage')
  @ApiOperation({ summary: 'Close for applications (a reason is required before the closing time)' })
  close(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: CloseCallDto) {
    return this.calls.close(actor, id, dto);
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @RequirePermission('calls:manage')
  @ApiOperation({ summary: 'Open a closed call again with a later closing time (a new version, with the reason)' })
  reopen(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ReopenCallDto) {
    return this.calls.reopen(actor, id, dto);
  }

  @Post(':id/archive')
  @HttpCode(200)
  @RequirePermission('calls:manage')
  @ApiOperation({ summary: 'Archive a closed or decided call (409 while applications under it are still in progress)' })
  archive(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.calls.archive(actor, id);
  }
}

@ApiTags('calls')
@ApiBearerAuth()
@Controller()
export class SchemeController {
  constructor(private readonly scheme: SchemeService) {}

  @Get('schemes')
  @RequirePermission('calls:read')
  @ApiOperation({ summary: 'The scheme, its measures (and which take applications) and technology areas' })
  schemes(@Query() q: PageQuery) {
    return this.scheme.schemes(q);
  }

  @Get('technology-areas')
  @RequirePermission('calls:read')
  technologyAreas(@Query() q: PageQuery) {
    return this.scheme.technologyAreas(q);
  }

  @Post('technology-areas')
  @RequirePermission('calls:manage')
  @ApiOperation({ summary: 'Add a technology area (the list grows: VELFERDSTEKNOLOGI, DIGITAL_HJEMMEOPPFOLGING, ...)' })
  addTechnologyArea(@Body() dto: CreateTechnologyAreaDto) {
    return this.scheme.addTechnologyArea(dto);
  }

  @Get('direct-allocations')
  @RequirePermission('calls:read')
  directAllocations(@Query() q: PageQuery) {
    return this.scheme.directAllocations(q);
  }

  @Post('direct-allocations')
  @RequirePermission('calls:manage')
  @ApiOperation({ summary: 'Record a direct allocation (KOMPETANSENETTVERK to KS), given without competition' })
  addDirectAllocation(@CurrentActor() actor: Actor, @Body() dto: CreateDirectAllocationDto) {
    return this.scheme.addDirectAllocation(actor, dto);
  }
}
