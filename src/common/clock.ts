import { Injectable } from '@nestjs/common';

/**
 * The time the rules see (deadlines, application year, case-number year). One injectable source, so a test can
 * stand at one second before or after a deadline without waiting for it.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
