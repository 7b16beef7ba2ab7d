import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module';
import { AssessmentModule } from '../assessment/assessment.module';
import { GrantsModule } from '../grants/grants.module';
import { StorageModule } from '../storage/storage.module';
import { DecisionLetters } from './decision-letters.service';
import { DecisionPolicy } from './decision.policy';
import { DecisionsController } from './decisions.controller';
import { DecisionsService } from './decisions.service';

@Module({
  imports: [ApplicationsModule, AssessmentModule, GrantsModule, StorageModule],
  controllers: [DecisionsController],
  providers: [DecisionsService, DecisionLetters, DecisionPolicy],
  exports: [DecisionsService, DecisionLetters, DecisionPolicy],
})
export class DecisionsModule {}
