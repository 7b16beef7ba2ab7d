import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPage, ApiProblems } from '../common/openapi';
import { Page } from '../common/pagination';
import { ApiTokensService } from './api-tokens.service';
import { ApiTokenQuery, CreateApiTokenDto } from './dto/api-tokens.dto';
import { ApiTokenView, CreatedApiTokenView } from './dto/identity.views';
import { Actor } from '../common/actor';
import { CurrentActor, RequirePermission } from '../common/decorators';

@ApiTags('api tokens')
@Controller('api-tokens')
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Post()
  @RequirePermission('api-tokens:manage')
  @ApiOperation({ summary: 'Create a personal API token; the secret (hto_pat_…) is in this response only' })
  @ApiCreatedResponse({ type: CreatedApiTokenView })
  @ApiProblems(400)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateApiTokenDto): Promise<CreatedApiTokenView> {
    return this.tokens.create(actor, dto);
  }

  @Get()
  @RequirePermission('api-tokens:manage')
  @ApiOperation({ summary: 'Your API tokens (admins: ?userId= for another user’s), newest first; never the secrets' })
  @ApiPage(ApiTokenView)
  @ApiProblems(404)
  list(@CurrentActor() actor: Actor, @Query() q: ApiTokenQuery): Promise<Page<ApiTokenView>> {
    return this.tokens.list(actor, q);
  }

  @Delete(':id')
  @RequirePermission('api-tokens:manage')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a token at once (your own; admins: anyone’s)' })
  @ApiNoContentResponse({ description: 'revoked' })
  @ApiProblems(404)
  async revoke(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<void> {
    await this.tokens.revoke(actor, id);
  }
}
