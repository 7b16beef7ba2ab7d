import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditReader } from './audit-reader.service';
import { AuditSealer } from './audit-sealer.service';
import { AuditService } from './audit.service';

@Global()
@Module({ controllers: [AuditController], providers: [AuditService, AuditReader, AuditSealer], exports: [AuditService, AuditSealer] })
export class AuditModule {}
