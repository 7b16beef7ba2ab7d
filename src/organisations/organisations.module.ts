import { Module } from '@nestjs/common';
import { ConsortiaController, ReferenceDataController } from './organisations.controller';
import { OrganisationsService } from './organisations.service';

@Module({
  controllers: [ReferenceDataController, ConsortiaController],
  providers: [OrganisationsService],
  exports: [OrganisationsService],
})
export class OrganisationsModule {}
