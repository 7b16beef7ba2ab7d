import { Module } from '@nestjs/common';
import { ConsortiaController, ReferenceDataController } from './organisations.controller';
import { ConsortiumPolicy } from './consortium.policy';
import { OrganisationsService } from './organisations.service';

@Module({
  controllers: [ReferenceDataController, ConsortiaController],
  providers: [OrganisationsService, ConsortiumPolicy],
  exports: [OrganisationsService, ConsortiumPolicy],
})
export class OrganisationsModule {}
