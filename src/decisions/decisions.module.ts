import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { ApplicationsModule } from '../applications/applications.module';
import { StreamingStorageEngine } from '../applications/attachments/upload';
import { AssessmentModule } from '../assessment/assessment.module';
import { AppConfig } from '../config/app-config';
import { GrantsModule } from '../grants/grants.module';
import { StorageModule } from '../storage/storage.module';
import { FileStorage } from '../storage/storage.port';
import { AppealUploadGate } from './appeal-upload';
import { AppealPolicy } from './appeal.policy';
import { AppealsController } from './appeals.controller';
import { AppealsService } from './appeals.service';
import { DecisionLetters } from './decision-letters.service';
import { DecisionPolicy } from './decision.policy';
import { DecisionsController } from './decisions.controller';
import { DecisionsService } from './decisions.service';

@Module({
  imports: [
    ApplicationsModule,
    AssessmentModule,
    GrantsModule,
    StorageModule,
    // an appeal's documents stream to storage as an application's do: one file, nothing else in the body
    MulterModule.registerAsync({
      imports: [StorageModule],
      inject: [FileStorage, AppConfig],
      useFactory: (storage: FileStorage, config: AppConfig) => ({
        storage: new StreamingStorageEngine(storage),
        limits: { fileSize: config.maxUploadBytes, files: 1, fields: 0, parts: 1 },
        defParamCharset: 'utf8',
      }),
    }),
  ],
  controllers: [DecisionsController, AppealsController],
  providers: [DecisionsService, DecisionLetters, DecisionPolicy, AppealsService, AppealPolicy, AppealUploadGate],
  exports: [DecisionsService, DecisionLetters, DecisionPolicy, AppealsService, AppealPolicy],
})
export class DecisionsModule {}
