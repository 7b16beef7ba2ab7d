import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditReader } from './audit-reader.service';
import { AuditService } from './audit.service';
import { WorkflowEngine } from './workflow';

@Global()
@Module({ controllers: [AuditController], providers: [AuditService, AuditReader, WorkflowEngine], exports: [AuditService, WorkflowEngine] })
export class AuditModule {}
