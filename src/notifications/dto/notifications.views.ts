import { ApiProperty } from '@nestjs/swagger';

/** What the API answers about notifications (see common/openapi.ts). */

const STATUSES = ['pending', 'queued', 'rendered', 'sending', 'sent', 'failed', 'skipped', 'digest', 'digested'];

export class NotificationRecipientView {
  @ApiProperty({ format: 'email' })
  email: string;

  @ApiProperty({ type: String, nullable: true })
  name: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  userId: string | null;
}

/** The operator's view: how far a notification got. */
export class NotificationView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'application.submitted' })
  event: string;

  @ApiProperty({ example: 'application' })
  entityType: string;

  @ApiProperty()
  entityId: string;

  @ApiProperty({ type: NotificationRecipientView })
  recipient: NotificationRecipientView;

  @ApiProperty({ type: String, enum: ['nb', 'nn'], nullable: true })
  language: string | null;

  @ApiProperty({ enum: STATUSES })
  status: string;

  @ApiProperty()
  attempts: number;

  @ApiProperty({ type: String, nullable: true })
  lastError: string | null;

  @ApiProperty({ type: String, nullable: true })
  subject: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt: Date;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  sentAt: Date | null;
}

/** A notification as its recipient reads it. */
export class MyNotificationView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'application.submitted' })
  event: string;

  @ApiProperty()
  entityType: string;

  @ApiProperty()
  entityId: string;

  @ApiProperty()
  subject: string;

  @ApiProperty({ description: 'the mail’s plain text' })
  text: string;

  @ApiProperty({ enum: ['nb', 'nn'] })
  language: string;

  @ApiProperty({ enum: ['mail', 'digest'], description: 'sent on its own, or in a daily digest' })
  deliveredIn: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  sentAt: Date | null;
}

export class NotificationPreferencesView {
  @ApiProperty({ type: String, enum: ['nb', 'nn'], nullable: true })
  language: 'nb' | 'nn' | null;

  @ApiProperty({ description: 'no non-mandatory notifications' })
  optOut: boolean;

  @ApiProperty({ description: 'non-mandatory notifications in one daily digest' })
  digest: boolean;
}
