import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPage, ApiProblems } from '../common/openapi';
import { Page } from '../common/pagination';
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
import { ConsortiumView, MunicipalityView, OrganisationView } from './dto/organisations.views';
import { OrganisationsService } from './organisations.service';
import { Actor } from '../common/actor';
import { CurrentActor, Public, RequirePermission } from '../common/decorators';

/** Reference data is public: the same facts Statistics Norway publishes. */
@ApiTags('reference data')
@Controller()
export class ReferenceDataController {
  constructor(private readonly service: OrganisationsService) {}

  @Get('municipalities')
  @Public()
  @ApiOperation({ summary: 'List municipalities (kommuner), filter by helseregion, fylke or q' })
  @ApiPage(MunicipalityView)
  listMunicipalities(@Query() q: MunicipalityQuery): Promise<Page<MunicipalityView>> {
    return this.service.listMunicipalities(q);
  }

  @Get('municipalities/:number')
  @Public()
  @ApiOkResponse({ type: MunicipalityView })
  @ApiProblems(404)
  getMunicipality(@Param('number') number: string): Promise<MunicipalityView> {
    return this.service.getMunicipality(number);
  }

  @Get('organisations')
  @Public()
  @ApiOperation({ summary: 'List organisations (municipalities, health trusts, KS …): an applicant user is bound to one of these' })
  @ApiPage(OrganisationView)
  async listOrganisations(@Query() q: OrganisationQuery): Promise<Page<OrganisationView>> {
    const page = await this.service.listOrganisations(q);
    return { items: page.items.map((o) => OrganisationView.of(o)), nextCursor: page.nextCursor };
  }

  @Get('organisations/:id')
  @Public()
  @ApiOkResponse({ type: OrganisationView })
  @ApiProblems(404)
  async getOrganisation(@Param('id') id: string): Promise<OrganisationView> {
    return OrganisationView.of(await this.service.getOrganisation(id));
  }
}

@ApiTags('consortia')
@Controller('consortia')
export class ConsortiaController {
  constructor(private readonly service: OrganisationsService) {}

  @Post()
  @RequirePermission('consortia:write')
  @ApiOperation({
    summary: 'Create a consortium (kommunesamarbeid) led by your own municipality; the other members are INVITED until they confirm',
  })
  @ApiCreatedResponse({ type: ConsortiumView })
  @ApiProblems(400)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateConsortiumDto): Promise<ConsortiumView> {
    return this.service.createConsortium(actor, dto);
  }

  @Get()
  @RequirePermission('consortia:read')
  @ApiOperation({ summary: 'List consortia (applicants: those with one of their organisations as a member)' })
  @ApiPage(ConsortiumView)
  list(@CurrentActor() actor: Actor, @Query() q: ConsortiumQuery): Promise<Page<ConsortiumView>> {
    return this.service.listConsortia(actor, q);
  }

  @Get(':id')
  @RequirePermission('consortia:read')
  @ApiOkResponse({ type: ConsortiumView })
  @ApiProblems(404)
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ConsortiumView> {
    return this.service.getConsortium(actor, id);
  }

  @Patch(':id')
  @RequirePermission('consortia:write')
  @AccessFirst(ConsortiumPolicy, 'write')
  @ApiOperation({
    summary: "Change name, lead or members (the member list is replaced; new members are invited); the lead's applicants only",
  })
  @ApiOkResponse({ type: ConsortiumView })
  @ApiProblems(400, 404, 409)
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: UpdateConsortiumDto): Promise<ConsortiumView> {
    return this.service.updateConsortium(actor, id, dto);
  }

  @Post(':id/members/:organisationId/confirm')
  @HttpCode(200)
  @RequirePermission('consortia:write')
  @ApiOperation({ summary: "An applicant of the member confirms the member's membership (its consent)" })
  @ApiOkResponse({ type: ConsortiumView })
  @ApiProblems(404)
  confirm(@CurrentActor() actor: Actor, @Param('id') id: string, @Param('organisationId') organisationId: string): Promise<ConsortiumView> {
    return this.service.confirmMember(actor, id, organisationId);
  }

  @Post(':id/members/:organisationId/leave')
  @HttpCode(204)
  @RequirePermission('consortia:write')
  @ApiOperation({ summary: 'An applicant of the member declines the invitation or leaves (not the lead; not after submission)' })
  @ApiNoContentResponse({ description: 'the member is out of the consortium' })
  @ApiProblems(404, 409)
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
  @ApiOkResponse({ type: ConsortiumView })
  @ApiProblems(400, 404, 409)
  letterOfIntent(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('organisationId') organisationId: string,
    @Body() dto: LetterOfIntentDto,
  ): Promise<ConsortiumView> {
    return this.service.submitLetterOfIntent(actor, id, organisationId, dto);
  }

  @Post(':id/members/:organisationId/letter-of-intent/accept')
  @HttpCode(200)
  @RequirePermission('applications:process')
  @ApiOperation({ summary: "The officer accepts the member's letter of intent as its consent (at the formal check)" })
  @ApiOkResponse({ type: ConsortiumView })
  @ApiProblems(404, 409)
  acceptLetterOfIntent(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('organisationId') organisationId: string,
  ): Promise<ConsortiumView> {
    return this.service.acceptLetterOfIntent(actor, id, organisationId);
  }
}
