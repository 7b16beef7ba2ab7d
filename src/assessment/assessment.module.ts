import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module';
import { AttachmentStorageModule } from '../applications/attachments/storage.module';
import { AssessmentNotifications } from './assessment-notifications';
import { AssessmentOfficeController, AssessorController } from './assessment.controller';
import { AssessmentService } from './assessment.service';
import { RankingService } from './ranking.service';

@Module({
  imports: [ApplicationsModule, AttachmentStorageModule],
  controllers: [AssessorController, AssessmentOfficeController],
  providers: [AssessmentService, RankingService, AssessmentNotifications],
  exports: [AssessmentService, RankingService],
})
export class AssessmentModule {}
