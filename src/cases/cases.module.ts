import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { ApplicationsModule } from '../applications/applications.module';
import { StreamingStorageEngine } from '../applications/attachments/upload';
import { AppConfig } from '../config/app-config';
import { StorageModule } from '../storage/storage.module';
import { FileStorage } from '../storage/storage.port';
import { CaseActivityService } from './case-activity.service';
import { MessageUploadGate, NoteUploadGate } from './case-message-upload.gate';
import { CaseMessagePolicy } from './case-message.policy';
import { CaseMessagesController } from './case-messages.controller';
import { CaseMessagesService } from './case-messages.service';
import { MESSAGE_BODY_MAX, MESSAGE_FILES_MAX } from './dto/case-messages.dto';

/**
 * The case as the consortium and the staff share it after submission: messages (with files) and internal notes, each
 * a journal entry of the case, and the staff's activity time line. Built on the applications module's case journal.
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
        // the files, a subject and the text (up to 4 bytes a character), nothing else
        limits: {
          fileSize: config.maxUploadBytes,
          files: MESSAGE_FILES_MAX,
          fields: 2,
          parts: MESSAGE_FILES_MAX + 2,
          fieldSize: MESSAGE_BODY_MAX * 4,
        },
        defParamCharset: 'utf8',
      }),
    }),
  ],
  controllers: [CaseMessagesController],
  providers: [CaseMessagesService, CaseActivityService, CaseMessagePolicy, MessageUploadGate, NoteUploadGate],
})
export class CasesModule {}
