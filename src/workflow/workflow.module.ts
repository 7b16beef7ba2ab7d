import { Global, Module } from '@nestjs/common';
import { WorkflowEngine } from './workflow';

/** The workflow engine: the one way a stateful thing (call, application, decision, payment, report) changes state. */
@Global()
@Module({ providers: [WorkflowEngine], exports: [WorkflowEngine] })
export class WorkflowModule {}
