import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../../applications/applications.module';
import { JournalExemptionsController, PublicController } from './public.controller';
import { PublicJournalService } from './public-journal.service';
import { PublicRateLimit } from './public-rate-limit';

/** Openness (issue 15): the public journal, the grants awarded, and the exemptions officers mark. */
@Module({
  imports: [ApplicationsModule],
  controllers: [PublicController, JournalExemptionsController],
  providers: [PublicJournalService, PublicRateLimit],
})
export class PublicModule {}
