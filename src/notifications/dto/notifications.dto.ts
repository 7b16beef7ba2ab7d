import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/pagination';

export const NOTIFICATION_STATUSES = [
  'pending',
  'queued',
  'rendered',
  'sending',
  'sent',
  'failed',
  'skipped',
  'digest',
  'digested',
] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];
const LANGUAGES = ['nb', 'nn'] as const;

export class NotificationQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: NOTIFICATION_STATUSES,
    description:
      'pending/queued: waiting for the queue; rendered/sending: on its way; sent; failed (retry it); skipped (opted out or no longer relevant); digest/digested: held for, or sent in, a daily digest',
  })
  @IsOptional()
  @IsIn(NOTIFICATION_STATUSES as unknown as string[])
  status?: NotificationStatus;

  @ApiPropertyOptional({ example: 'deadline.reminder' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  event?: string;
}

export class TestMailDto {
  @ApiProperty({ example: 'saksbehandler@example.no' })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ enum: LANGUAGES, description: "defaults to the recipient user's preference, else bokmål" })
  @IsOptional()
  @IsIn(LANGUAGES as unknown as string[])
  language?: 'nb' | 'nn';
}

export class NotificationPreferencesDto {
  @ApiPropertyOptional({
    enum: LANGUAGES,
    nullable: true,
    description: 'bokmål or nynorsk; null clears it (then bokmål, unless the sender decides by law)',
  })
  @IsOptional()
  @IsIn(LANGUAGES as unknown as string[])
  language?: 'nb' | 'nn' | null;

  @ApiPropertyOptional({ description: 'no non-mandatory notifications (decisions and reclaim demands are always sent)' })
  @IsOptional()
  @IsBoolean()
  optOut?: boolean;

  @ApiPropertyOptional({ description: 'non-mandatory notifications gathered into one mail a day (from 07:00)' })
  @IsOptional()
  @IsBoolean()
  digest?: boolean;
}
