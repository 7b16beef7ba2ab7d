import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../identity/decorators';
import { AuditReader } from './audit-reader.service';
import { AuditQuery } from './dto/audit.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly reader: AuditReader) {}

  @Get()
  @RequirePermission('audit:read')
  @ApiOperation({ summary: 'Audit events, newest first; filter by entity, actor, action and time' })
  list(@Query() q: AuditQuery) {
    return this.reader.list(q);
  }

  @Get('verify')
  @RequirePermission('audit:read')
  @ApiOperation({ summary: 'Walk the hash chain: the first broken entry, or OK with the count' })
  verify() {
    return this.reader.verify();
  }
}
