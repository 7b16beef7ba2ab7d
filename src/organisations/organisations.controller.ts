import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ConsortiumQuery, CreateConsortiumDto, MunicipalityQuery, OrganisationQuery, UpdateConsortiumDto } from './dto/organisations.dto';
import { OrganisationsService } from './organisations.service';
import { Actor } from '../common/actor';
import { CurrentActor, Public, RequirePermission } from '../common/decorators';

/** Reference data is public: the same facts Statistics Norway publishes. */
@ApiTags('reference data')
@ApiBearerAuth()
@Controller()
export class ReferenceDataController {
  constructor(private readonly service: OrganisationsService) {}

  @Get('municipalities')
  @Public()
  @ApiOperation({ summary: 'List municipalities (kommuner), filter by helseregion, fylke or q' })
  listMunicipalities(@Query() q: MunicipalityQuery) {
    return this.service.listMunicipalities(q);
  }

  @Get('municipalities/:number')
  @Public()
  getMunicipality(@Param('number') number: string) {
    return this.service.getMunicipality(number);
  }

  @Get('organisations')
  @Public()
  listOrganisations(@Query() q: OrganisationQuery) {
    return this.service.listOrganisations(q);
  }

  @Get('organisations/:id')
  @Public()
  getOrganisation(@Param('id') id: string) {
    return this.service.getOrganisation(id);
  }
}

@ApiTags('consortia')
@ApiBearerAuth()
@Controller('consortia')
export class ConsortiaController {
  constructor(private readonly service: OrganisationsService) {}

  @Post()
  @RequirePermission('consortia:write')
  @ApiOperation({ summary: 'Create a consortium (kommunesamarbeid) with a lead municipality and members' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateConsortiumDto) {
    return this.service.createConsortium(actor, dto);
  }

  @Get()
  @RequirePermission('consortia:read')
  list(@CurrentActor() actor: Actor, @Query() q: ConsortiumQuery) {
    return this.service.listConsortia(actor, q);
  }

  @Get(':id')
  @RequirePermission('consortia:read')
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.service.getConsortium(actor, id);
  }

  @Patch(':id')
  @RequirePermission('consortia:write')
  @ApiOperation({ summary: 'Change name, lead or members (the member list is replaced)' })
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: UpdateConsortiumDto) {
    return this.service.updateConsortium(actor, id, dto);
  }
}
