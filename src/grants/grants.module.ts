import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { ApplicationsModule } from '../applications/applications.module';
import { StreamingStorageEngine } from '../applications/attachments/upload';
import { AppConfig } from '../config/app-config';
import { StorageModule } from '../storage/storage.module';
import { GrantChangePolicy } from './changes/grant-change.policy';
import { GrantChangesController } from './changes/grant-changes.controller';
import { GrantChangesService } from './changes/grant-changes.service';
import { GrantEvents } from './grant-events';
import { FileStorage } from '../storage/storage.port';
import { GrantAcceptanceScheduler } from './grant-acceptance.scheduler';
import { GrantAcceptanceService } from './grant-acceptance.service';
import { GrantNotifications } from './grant-notifications';
import { GrantPolicy } from './grant.policy';
import { PaymentExports } from './payments/payment-exports.service';
import { PaymentPolicy } from './payments/payment.policy';
import { PaymentsController } from './payments/payments.controller';
import { PaymentsService } from './payments/payments.service';
import { ReclaimPolicy } from './payments/reclaim.policy';
import { ReclaimsService } from './payments/reclaims.service';
import { GrantStatusController } from './grant-status.controller';
import { GrantStatusService } from './grant-status.service';
import { ReclaimReminders } from './payments/reclaim-reminders';
import { GrantsController } from './grants.controller';
import { GrantsService } from './grants.service';
import { ReportsModule } from './reports/reports.module';
import { SignedAcceptanceGate } from './signed-acceptance.gate';

@Module({
  imports: [
    ApplicationsModule,
    StorageModule,
    ReportsModule,
    MulterModule.registerAsync({
      imports: [StorageModule],
      inject: [FileStorage, AppConfig],
      useFactory: (storage: FileStorage, config: AppConfig) => ({
        storage: new StreamingStorageEngine(storage),
        // the signed document, and who signed it (name, title, signedOn): nothing else
        limits: { fileSize: config.maxUploadBytes, files: 1, fields: 3, parts: 4, fieldSize: 2000 },
        defParamCharset: 'utf8',
      }),
    }),
  ],
  controllers: [GrantsController, GrantStatusController, PaymentsController, GrantChangesController],
  providers: [
    GrantsService,
    GrantPolicy,
    GrantAcceptanceService,
    GrantNotifications,
    GrantAcceptanceScheduler,
    SignedAcceptanceGate,
    GrantEvents,
    PaymentsService,
    PaymentExports,
    ReclaimsService,
    PaymentPolicy,
    ReclaimPolicy,
    GrantChangesService,
    GrantChangePolicy,
    GrantStatusService,
    ReclaimReminders,
  ],
  exports: [GrantsService, GrantPolicy, GrantEvents, PaymentsService],
})
export class GrantsModule {}
