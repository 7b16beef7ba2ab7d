import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module';
import { StorageModule } from '../storage/storage.module';
import { AssessmentAccess } from './assessment-access';
import { AssessmentNotifications } from './assessment-notifications';
import { AssessmentOfficeController, AssessorController } from './assessment.controller';
import { AssessmentService } from './assessment.service';
import { RankingService } from './ranking.service';

@Module({
  imports: [ApplicationsModule, StorageModule],
  controllers: [AssessorController, AssessmentOfficeController],
  providers: [AssessmentService, RankingService, AssessmentNotifications, AssessmentAccess],
  exports: [AssessmentService, RankingService],
})
export class AssessmentModule {}
