import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module';
import { StorageModule } from '../storage/storage.module';
import { GrantPolicy } from './grant.policy';
import { GrantsController } from './grants.controller';
import { GrantsService } from './grants.service';

@Module({
  imports: [ApplicationsModule, StorageModule],
  controllers: [GrantsController],
  providers: [GrantsService, GrantPolicy],
  exports: [GrantsService, GrantPolicy],
})
export class GrantsModule {}
