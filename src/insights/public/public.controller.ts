import { Body, Controller, Delete, Get, Header, HttpCode, Param, Put, Query, UseGuards } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../common/actor';
import { CurrentActor, Public, RequirePermission } from '../../common/decorators';
import { ApiPage, ApiProblems } from '../../common/openapi';
import { Page } from '../../common/pagination';
import { JournalExemptionDto, PublicGrantsQuery, PublicJournalQuery } from './dto/public.dto';
import { JournalExemptionView, PublicGrantView, PublicJournalEntryView } from './dto/public.views';
import { PublicJournalService } from './public-journal.service';
import { PublicRateLimit } from './public-rate-limit';

/** Public answers may be kept a minute by browsers and proxies; Express adds a weak ETag, and If-None-Match gets a 304. */
const CACHE = 'public, max-age=60';

/** The public journal and the grants awarded: no sign-in, rate-limited per client address, cacheable. */
@ApiTags('public')
@Controller('public')
@UseGuards(PublicRateLimit)
export class PublicController {
  constructor(private readonly service: PublicJournalService) {}

  @Get('journal')
  @Public()
  @Header('Cache-Control', CACHE)
  @ApiOperation({
    summary:
      'Public journal (offentlig journal): the journal entries of a date range (Europe/Oslo), with exempt entries and titles marked and screened; no persons’ names',
  })
  @ApiPage(PublicJournalEntryView)
  @ApiProblems(429)
  journal(@Query() q: PublicJournalQuery): Promise<Page<PublicJournalEntryView>> {
    return this.service.journal(q);
  }

  @Get('grants')
  @Public()
  @Header('Cache-Control', CACHE)
  @ApiOperation({ summary: 'Grants awarded: consortium, members, amount, call and decision date, in decision order' })
  @ApiPage(PublicGrantView)
  @ApiProblems(429)
  grants(@Query() q: PublicGrantsQuery): Promise<Page<PublicGrantView>> {
    return this.service.grants(q);
  }
}

/** Where an officer marks a journal entry exempt from public access (offentleglova), and lifts the exemption. */
@ApiTags('applications')
@Controller('cases')
export class JournalExemptionsController {
  constructor(private readonly service: PublicJournalService) {}

  @Put(':year/:number/journal/:seq/exemption')
  @RequirePermission('applications:process')
  @ApiOperation({ summary: 'Mark journal entry {year}/{number}-{seq} (or only its title) exempt from public access, with the legal basis' })
  @ApiOkResponse({ type: JournalExemptionView })
  @ApiProblems(400, 404)
  exempt(
    @CurrentActor() actor: Actor,
    @Param('year') year: string,
    @Param('number') number: string,
    @Param('seq') seq: string,
    @Body() dto: JournalExemptionDto,
  ): Promise<JournalExemptionView> {
    return this.service.exempt(actor, `${year}/${number}`, seqOf(seq), dto);
  }

  @Delete(':year/:number/journal/:seq/exemption')
  @RequirePermission('applications:process')
  @HttpCode(204)
  @ApiOperation({ summary: 'Lift the exemption of journal entry {year}/{number}-{seq}: it is public again' })
  @ApiNoContentResponse({ description: 'lifted' })
  @ApiProblems(404)
  async lift(@CurrentActor() actor: Actor, @Param('year') year: string, @Param('number') number: string, @Param('seq') seq: string) {
    await this.service.lift(actor, `${year}/${number}`, seqOf(seq));
  }
}

/** The entry number's last part; anything else is an entry that does not exist (404 in the service). */
function seqOf(s: string): number {
  return /^[1-9]\d{0,8}$/.test(s) ? Number(s) : NaN;
}
