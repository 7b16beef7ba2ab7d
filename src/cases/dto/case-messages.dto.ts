import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { NotBlank } from '../../common/validation';

/** The longest message text; a longer account belongs in an attached document. */
export const MESSAGE_BODY_MAX = 10_000;
export const MESSAGE_SUBJECT_MAX = 200;
/** At most this many files with one message, together within MAX_UPLOAD_BYTES. */
export const MESSAGE_FILES_MAX = 5;

/**
 * A message (or internal note): JSON, or multipart/form-data with the same fields and the files in `files`. No
 * audience field: the route decides it (messages to or from the consortium, or internal notes).
 */
export class WriteMessageDto {
  @ApiPropertyOptional({ maxLength: MESSAGE_SUBJECT_MAX, description: 'the journal entry’s title; a standard title when left out' })
  @IsOptional()
  @IsString()
  @NotBlank()
  @MaxLength(MESSAGE_SUBJECT_MAX)
  subject?: string;

  @ApiProperty({ maxLength: MESSAGE_BODY_MAX })
  @IsString()
  @NotBlank()
  @MaxLength(MESSAGE_BODY_MAX)
  body: string;
}

/** The multipart form of WriteMessageDto, for the OpenAPI document. */
export const WRITE_MESSAGE_MULTIPART = {
  type: 'object',
  required: ['body'],
  properties: {
    subject: { type: 'string', maxLength: MESSAGE_SUBJECT_MAX },
    body: { type: 'string', maxLength: MESSAGE_BODY_MAX },
    files: { type: 'array', maxItems: MESSAGE_FILES_MAX, items: { type: 'string', format: 'binary' } },
  },
};
