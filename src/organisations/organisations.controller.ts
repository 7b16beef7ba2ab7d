import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessFirst } from '../identity/access/access-gate';
import { ConsortiumPolicy } from './consortium.policy';
import {
  ConsortiumQuery,
  CreateConsortiumDto,
  LetterOfIntentDto,
  MunicipalityQuery,
  OrganisationQuery,
  UpdateConsortiumDto,
} from './dto/organisations.dto';
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
  @ApiOperation({
    summary: 'Create a consortium (kommunesamarbeid) led by your own municipality; the other members are INVITED until they confirm',
  })
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
  @AccessFirst(ConsortiumPolicy, 'write')
  @ApiOperation({
    summary: "Change name, lead or members (the member list is replaced; new members are invited); the lead's applicants only",
  })
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: UpdateConsortiumDto) {
    return this.service.updateConsortium(actor, id, dto);
  }

  @Post(':id/members/:organisationId/confirm')
  @HttpCode(200)
  @RequirePermission('consortia:write')
  @ApiOperation({ summary: "An applicant of the member confirms the member's membership (its consent)" })
  confirm(@CurrentActor() actor: Actor, @Param('id') id: string, @Param('organisationId') organisationId: string) {
    return this.service.confirmMember(actor, id, organisationId);
  }

  @Post(':id/members/:organisationId/leave')
  @HttpCode(204)
  @RequirePermission('consortia:write')
  @ApiOperation({ summary: 'An applicant of the member declines the invitation or leaves (not the lead; not after submission)' })
  async leave(@CurrentActor() actor: Actor, @Param('id') id: string, @Param('organisationId') organisationId: string) {
    await this.service.leaveConsortium(actor, id, organisationId);
  }

  @Post(':id/members/:organisationId/letter-of-intent')
  @HttpCode(200)
  @RequirePermission('consortia:write')
  @AccessFirst(ConsortiumPolicy, 'write')
  @ApiOperation({
    summary:
      "The lead submits a member's signed letter of intent (intensjonsavtale, a PDF attached to one of the consortium's applications) for a member without applicants of its own",
  })
  letterOfIntent(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('organisationId') organisationId: string,
    @Body() dto: LetterOfIntentDto,
  ) {
    return this.service.submitLetterOfIntent(actor, id, organisationId, dto);
  }

  @Post(':id/members/:organisationId/letter-of-intent/accept')
  @HttpCode(200)
  @RequirePermission('applications:process')
  @ApiOperation({ summary: "The officer accepts the member's letter of intent as its consent (at the formal check)" })
  acceptLetterOfIntent(@CurrentActor() actor: Actor, @Param('id') id: string, @Param('organisationId') organisationId: string) {
    return this.service.acceptLetterOfIntent(actor, id, organisationId);
  }
}
