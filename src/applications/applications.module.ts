import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { CallsModule } from '../calls/calls.module';
import { AppConfig } from '../config/app-config';
import { OrganisationsModule } from '../organisations/organisations.module';
import { StorageModule } from '../storage/storage.module';
import { FileStorage } from '../storage/storage.port';
import { ApplicationNotifications } from './application-notifications';
import { ApplicationsController, CasesController } from './applications.controller';
import { ApplicationsService } from './applications.service';
import { AttachmentsService } from './attachments/attachments.service';
import { StreamingStorageEngine, UploadGate } from './attachments/upload';
import { CaseJournal } from './case-journal.service';
import { ApplicantCorrespondence } from './applicant-correspondence.service';
import { ApplicationPolicy } from './application.policy';
import { CaseProcessingService } from './case-processing.service';
import { SubmissionService } from './submission.service';

@Module({
  imports: [
    CallsModule,
    OrganisationsModule,
    MulterModule.registerAsync({
      imports: [StorageModule],
      inject: [FileStorage, AppConfig],
      useFactory: (storage: FileStorage, config: AppConfig) => ({
        storage: new StreamingStorageEngine(storage),
        // the parser stops reading a file at the limit; one file, a description, nothing else
        limits: { fileSize: config.maxUploadBytes, files: 1, fields: 2, parts: 3, fieldSize: 2000 },
        defParamCharset: 'utf8',
      }),
    }),
  ],
  controllers: [ApplicationsController, CasesController],
  providers: [
    ApplicationsService,
    ApplicationPolicy,
    SubmissionService,
    CaseProcessingService,
    ApplicantCorrespondence,
    CaseJournal,
    AttachmentsService,
    UploadGate,
    ApplicationNotifications,
  ],
  exports: [ApplicationsService, ApplicationPolicy, ApplicantCorrespondence, CaseJournal],
})
export class ApplicationsModule {}
