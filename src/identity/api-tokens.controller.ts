import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiTokensService } from './api-tokens.service';
import { ApiTokenQuery, CreateApiTokenDto } from './dto/api-tokens.dto';
import { Actor } from '../common/actor';
import { CurrentActor, RequirePermission } from '../common/decorators';

@ApiTags('api tokens')
@ApiBearerAuth()
@Controller('api-tokens')
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Post()
  @RequirePermission('api-tokens:manage')
  @ApiOperation({ summary: 'Create a personal API token; the secret (hto_pat_…) is in this response only' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateApiTokenDto) {
    return this.tokens.create(actor, dto);
  }

  @Get()
  @RequirePermission('api-tokens:manage')
  list(@CurrentActor() actor: Actor, @Query() q: ApiTokenQuery) {
    return this.tokens.list(actor, q);
  }

  @Delete(':id')
  @RequirePermission('api-tokens:manage')
  @HttpCode(204)
  async revoke(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<void> {
    await this.tokens.revoke(actor, id);
  }
}
