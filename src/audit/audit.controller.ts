import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPage, ApiProblems } from '../common/openapi';
import { Page } from '../common/pagination';
import { AuditReader } from './audit-reader.service';
import { AuditQuery, VerifyQuery } from './dto/audit.dto';
import { AuditEventView, ChainReportView } from './dto/audit.views';
import { RequirePermission } from '../common/decorators';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly reader: AuditReader) {}

  @Get()
  @RequirePermission('audit:read')
  @ApiOperation({ summary: 'Audit events, newest first; filter by entity, actor, action and time' })
  @ApiPage(AuditEventView)
  list(@Query() q: AuditQuery): Promise<Page<AuditEventView>> {
    return this.reader.list(q);
  }

  @Get('verify')
  @RequirePermission('audit:read')
  @ApiOperation({
    summary: 'Walk the hash chain: the first broken entry, or OK with the count and the head (lastSeq, lastHash)',
    description:
      'Keep the head outside the system and pass it back as anchorSeq/anchorHash: removing the newest entries, or rewriting the chain, is then reported too.',
  })
  @ApiOkResponse({ type: ChainReportView })
  @ApiProblems(400)
  verify(@Query() q: VerifyQuery): Promise<ChainReportView> {
    return this.reader.verify(q.anchorSeq !== undefined ? { seq: q.anchorSeq, hash: q.anchorHash! } : undefined);
  }
}
