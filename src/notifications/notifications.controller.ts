import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPage, ApiProblems } from '../common/openapi';
import { Page, PageQuery } from '../common/pagination';
import { NotificationPreferencesDto, NotificationQuery, TestMailDto } from './dto/notifications.dto';
import { MyNotificationView, NotificationPreferencesView, NotificationView } from './dto/notifications.views';
import { NotificationOperations } from './notification-operations.service';
import { Actor } from '../common/actor';
import { CurrentActor, RequirePermission } from '../common/decorators';

@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly ops: NotificationOperations) {}

  @Get()
  @RequirePermission('notifications:operate')
  @ApiOperation({ summary: 'Every notification and how far it got (newest first); filter by status, e.g. failed' })
  @ApiPage(NotificationView)
  list(@Query() q: NotificationQuery): Promise<Page<NotificationView>> {
    return this.ops.list(q);
  }

  @Get(':id')
  @RequirePermission('notifications:operate')
  @ApiOkResponse({ type: NotificationView })
  @ApiProblems(404)
  get(@Param('id') id: string): Promise<NotificationView> {
    return this.ops.get(id);
  }

  @Post(':id/retry')
  @HttpCode(202)
  @RequirePermission('notifications:operate')
  @ApiOperation({ summary: 'Send a failed notification again (re-read, re-rendered, sent); 409 unless it failed' })
  @ApiAcceptedResponse({ type: NotificationView })
  @ApiProblems(404, 409)
  retry(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<NotificationView> {
    return this.ops.retry(actor, id);
  }

  @Post('test')
  @HttpCode(202)
  @RequirePermission('notifications:operate')
  @ApiOperation({ summary: 'Send a test mail through the whole pipeline, to check that mail gets through' })
  @ApiAcceptedResponse({ type: NotificationView })
  @ApiProblems(400)
  sendTest(@CurrentActor() actor: Actor, @Body() dto: TestMailDto): Promise<NotificationView> {
    return this.ops.sendTest(actor, dto);
  }
}

/** The caller's own notifications; beside the identity module's /me, under paths of its own. */
@ApiTags('notifications')
@Controller('me')
export class MyNotificationsController {
  constructor(private readonly ops: NotificationOperations) {}

  @Get('notifications')
  @RequirePermission('notifications:read-own')
  @ApiOperation({ summary: 'Notifications sent to me (by my account or my address), newest first' })
  @ApiPage(MyNotificationView)
  mine(@CurrentActor() actor: Actor, @Query() q: PageQuery): Promise<Page<MyNotificationView>> {
    return this.ops.mine(actor, q);
  }

  @Get('notification-preferences')
  @RequirePermission('notifications:read-own')
  @ApiOperation({ summary: 'My notification language and choices' })
  @ApiOkResponse({ type: NotificationPreferencesView })
  preferences(@CurrentActor() actor: Actor): Promise<NotificationPreferencesView> {
    return this.ops.preferences(actor);
  }

  @Patch('notification-preferences')
  @RequirePermission('notifications:read-own')
  @ApiOperation({
    summary: 'Language (nb/nn), opt out of non-mandatory notifications, or a daily digest; mandatory notices always go out at once',
  })
  @ApiOkResponse({ type: NotificationPreferencesView })
  @ApiProblems(400)
  setPreferences(@CurrentActor() actor: Actor, @Body() dto: NotificationPreferencesDto): Promise<NotificationPreferencesView> {
    return this.ops.setPreferences(actor, dto);
  }
}
