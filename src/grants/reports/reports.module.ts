import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { ApplicationsModule } from '../../applications/applications.module';
import { StreamingStorageEngine } from '../../applications/attachments/upload';
import { AppConfig } from '../../config/app-config';
import { StorageModule } from '../../storage/storage.module';
import { FileStorage } from '../../storage/storage.port';
import { GrantPolicy } from '../grant.policy';
import { ReportNotifications } from './report-notifications';
import { ReportSchedules } from './report-schedules.service';
import { ReportUploadGate } from './report-upload.gate';
import { ReportPolicy } from './report.policy';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

/**
 * Follow-up reports, beside the grant they belong to. The grants module imports it (the acceptance generates the
 * schedule through ReportSchedules); it does not import the grants module back, and holds its own GrantPolicy (the
 * policy keeps no state).
 */
@Module({
  imports: [
    ApplicationsModule,
    StorageModule,
    MulterModule.registerAsync({
      imports: [StorageModule],
      inject: [FileStorage, AppConfig],
      useFactory: (storage: FileStorage, config: AppConfig) => ({
        storage: new StreamingStorageEngine(storage),
        limits: { fileSize: config.maxUploadBytes, files: 1, fields: 2, parts: 3, fieldSize: 2000 },
        defParamCharset: 'utf8',
      }),
    }),
  ],
  controllers: [ReportsController],
  providers: [ReportsService, ReportSchedules, ReportPolicy, GrantPolicy, ReportNotifications, ReportUploadGate],
  exports: [ReportsService, ReportSchedules, ReportPolicy],
})
export class ReportsModule {}
