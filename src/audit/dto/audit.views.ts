import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ChainBreaks } from '../audit.errors';

/** What the API answers about the audit trail (see common/openapi.ts). */

export class AuditActorView {
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  userId: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the API token used, if any' })
  tokenId: string | null;

  @ApiProperty({ type: [String], example: ['officer'] })
  roles: string[];

  @ApiProperty({ type: String, nullable: true, description: 'e-mail or label, e.g. of a failed sign-in or a job' })
  label: string | null;
}

export class AuditEventView {
  @ApiProperty({ description: 'position in the chain' })
  seq: number;

  @ApiProperty({ format: 'date-time' })
  occurredAt: string;

  @ApiProperty({ type: AuditActorView })
  actor: AuditActorView;

  @ApiProperty({ example: 'consortium.created' })
  action: string;

  @ApiProperty({ example: 'consortium' })
  entityType: string;

  @ApiProperty({ type: String, nullable: true })
  entityId: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'before and after, as recorded' })
  diff: unknown;

  @ApiProperty({ type: String, nullable: true })
  requestId: string | null;

  @ApiProperty({ type: String, nullable: true })
  clientAddress: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'hash of the previous entry, hex; null until the entry is sealed into the chain',
  })
  prevHash: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'hash of this entry, hex; null until the entry is sealed into the chain' })
  hash: string | null;
}

/** OK with the head of the chain, or the first broken entry and why. */
export class ChainReportView {
  @ApiProperty({ description: 'true: the chain is intact (and passes through the anchor, if one was given)' })
  ok: boolean;

  @ApiPropertyOptional({ description: 'ok: entries checked' })
  count?: number;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'ok: the head; keep it outside the system as the next anchorSeq' })
  lastSeq?: number | null;

  @ApiPropertyOptional({ description: 'ok: the head’s hash; the next anchorHash' })
  lastHash?: string;

  @ApiPropertyOptional({ description: 'ok: entries written but not yet sealed into the chain (their content MAC checked)' })
  unsealed?: number;

  @ApiPropertyOptional({ description: 'not ok: the first broken entry' })
  brokenAt?: number;

  @ApiPropertyOptional({ enum: Object.values(ChainBreaks), description: 'not ok: why the chain is broken' })
  reason?: string;

  @ApiPropertyOptional()
  detail?: string;

  @ApiPropertyOptional({ description: 'not ok: entries verified before the break' })
  verifiedBefore?: number;
}
