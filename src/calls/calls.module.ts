import { Module, OnApplicationBootstrap } from '@nestjs/common';
import { CallsController, SchemeController } from './calls.controller';
import { CallScheduler } from './call.scheduler';
import { CallPolicy } from './call.policy';
import { CallsService } from './calls.service';
import { CallsDemoSeeder } from './demo-seed';
import { SchemeService } from './scheme.service';

@Module({
  controllers: [CallsController, SchemeController],
  providers: [CallsService, CallPolicy, SchemeService, CallsDemoSeeder, CallScheduler],
  exports: [CallsService, CallPolicy],
})
export class CallsModule implements OnApplicationBootstrap {
  constructor(private readonly seeder: CallsDemoSeeder) {}

  async onApplicationBootstrap() {
    await this.seeder.seed();
  }
}
