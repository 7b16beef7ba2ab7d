import { Global, Module } from '@nestjs/common';
import { Clock } from './clock';

/** What every domain module shares: one Clock, so a test that moves time moves it for all of them. */
@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class CommonModule {}
