import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/problem';
import { QueuePort } from '../queue/queue.port';
import { Public } from '../common/decorators';
import { HealthErrors } from './health.errors';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: QueuePort,
  ) {}

  @Get('live')
  @Public()
  live() {
    return { status: 'ok' };
  }

  /** Ready when the database answers and the queue's store (Redis, or the in-process queue) is reachable. */
  @Get('ready')
  @Public()
  @HttpCode(200)
  async ready() {
    const checks: Record<string, { status: 'up' | 'down'; driver?: string; error?: string }> = {};
    try {
      await this.dataSource.query('SELECT 1');
      checks.database = { status: 'up', driver: (this.dataSource.options as { url?: string }).url ? 'postgres' : 'pglite' };
    } catch (e) {
      checks.database = { status: 'down', error: (e as Error).message };
    }
    try {
      await this.queue.ping();
      checks.queue = { status: 'up', driver: this.queue.driverName };
    } catch (e) {
      checks.queue = { status: 'down', driver: this.queue.driverName, error: (e as Error).message };
    }
    const down = Object.entries(checks).filter(([, v]) => v.status === 'down');
    if (down.length) {
      throw new DomainError(503, HealthErrors.NOT_READY, `Not ready: ${down.map(([k]) => k).join(', ')} unavailable.`, undefined, {
        checks,
      });
    }
    return { status: 'ok', checks };
  }
}
