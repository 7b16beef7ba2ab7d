import { ApiProperty } from '@nestjs/swagger';
import { JOURNAL_DIRECTIONS } from '../../applications/entities/case.entity';

export class MessageAttachmentView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  filename: string;

  @ApiProperty({ example: 'pdf' })
  fileType: string;

  @ApiProperty({ example: 'application/pdf' })
  contentType: string;

  @ApiProperty()
  sizeBytes: number;

  @ApiProperty({ description: 'SHA-256 of the bytes, hex' })
  sha256: string;
}

export class MessageAuthorView {
  @ApiProperty({ format: 'uuid' })
  userId: string;

  @ApiProperty()
  name: string;
}

export class CaseMessageView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: '2026/00001' })
  caseNumber: string;

  @ApiProperty({ enum: ['CONSORTIUM', 'INTERNAL'], description: 'between the consortium and the staff, or an internal staff note' })
  audience: 'CONSORTIUM' | 'INTERNAL';

  @ApiProperty({ enum: ['CONSORTIUM', 'STAFF'], description: 'who wrote it' })
  from: 'CONSORTIUM' | 'STAFF';

  @ApiProperty({ enum: JOURNAL_DIRECTIONS, description: 'its journal entry: I from the consortium, U from staff, N a note' })
  direction: string;

  @ApiProperty({ example: '2026/00001-4', description: 'the journal entry (journalpost) the message is' })
  entryNumber: string;

  @ApiProperty({ type: String, nullable: true })
  subject: string | null;

  @ApiProperty()
  body: string;

  @ApiProperty({ type: MessageAuthorView })
  author: MessageAuthorView;

  @ApiProperty({ format: 'date-time' })
  sentAt: string;

  @ApiProperty({ type: [MessageAttachmentView] })
  attachments: MessageAttachmentView[];
}

export class ActivityItemView {
  @ApiProperty({
    enum: ['JOURNAL', 'MESSAGE', 'TRANSITION'],
    description: 'a journal entry, a message or note (also a journal entry), or a state transition of the case or what was decided in it',
  })
  kind: 'JOURNAL' | 'MESSAGE' | 'TRANSITION';

  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'null: the system (a job)' })
  actorUserId: string | null;

  @ApiProperty({ type: String, nullable: true, example: '2026/00001-4', description: 'JOURNAL and MESSAGE' })
  entryNumber: string | null;

  @ApiProperty({ type: String, nullable: true, enum: JOURNAL_DIRECTIONS, description: 'JOURNAL and MESSAGE' })
  direction: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'VEDTAK', description: 'JOURNAL and MESSAGE' })
  documentType: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'JOURNAL and MESSAGE: the entry’s title' })
  title: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'MESSAGE' })
  messageId: string | null;

  @ApiProperty({ type: String, nullable: true, enum: ['CONSORTIUM', 'INTERNAL'], description: 'MESSAGE' })
  audience: 'CONSORTIUM' | 'INTERNAL' | null;

  @ApiProperty({ type: String, nullable: true, example: 'decision', description: 'TRANSITION: what moved' })
  entityType: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'TRANSITION' })
  entityId: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'TRANSITION' })
  fromState: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'TRANSITION' })
  toState: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'TRANSITION' })
  event: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'TRANSITION' })
  reason: string | null;
}
