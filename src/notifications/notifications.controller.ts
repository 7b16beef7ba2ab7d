import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PageQuery } from '../common/pagination';
import { NotificationPreferencesDto, NotificationQuery, TestMailDto } from './dto/notifications.dto';
import { NotificationOperations } from './notification-operations.service';
import { Actor } from '../common/actor';
import { CurrentActor, RequirePermission } from '../common/decorators';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly ops: NotificationOperations) {}

  @Get()
  @RequirePermission('notifications:operate')
  @ApiOperation({ summary: 'Every notification and how far it got (newest first); filter by status, e.g. failed' })
  list(@Query() q: NotificationQuery) {
    return this.ops.list(q);
  }

  @Get(':id')
  @RequirePermission('notifications:operate')
  get(@Param('id') id: string) {
    return this.ops.get(id);
  }

  @Post(':id/retry')
  @HttpCode(202)
  @RequirePermission('notifications:operate')
  @ApiOperation({ summary: 'Send a failed notification again (re-read, re-rendered, sent); 409 unless it failed' })
  retry(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.ops.retry(actor, id);
  }

  @Post('test')
  @HttpCode(202)
  @RequirePermission('notifications:operate')
  @ApiOperation({ summary: 'Send a test mail through the whole pipeline, to check that mail gets through' })
  sendTest(@CurrentActor() actor: Actor, @Body() dto: TestMailDto) {
    return this.ops.sendTest(actor, dto);
  }
}

/** The caller's own notifications; beside the identity module's /me, under paths of its own. */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('me')
export class MyNotificationsController {
  constructor(private readonly ops: NotificationOperations) {}

  @Get('notifications')
  @RequirePermission('notifications:read-own')
  @ApiOperation({ summary: 'Notifications sent to me (by my account or my address), newest first' })
  mine(@CurrentActor() actor: Actor, @Query() q: PageQuery) {
    return this.ops.mine(actor, q);
  }

  @Get('notification-preferences')
  @RequirePermission('notifications:read-own')
  preferences(@CurrentActor() actor: Actor) {
    return this.ops.preferences(actor);
  }

  @Patch('notification-preferences')
  @RequirePermission('notifications:read-own')
  @ApiOperation({
    summary: 'Language (nb/nn), opt out of non-mandatory notifications, or a daily digest; mandatory notices always go out at once',
  })
  setPreferences(@CurrentActor() actor: Actor, @Body() dto: NotificationPreferencesDto) {
    return this.ops.setPreferences(actor, dto);
  }
}
