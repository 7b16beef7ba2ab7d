import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/openapi';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/problem';
import { QueuePort } from '../queue/queue.port';
import { Public } from '../common/decorators';
import { HealthErrors } from './health.errors';

class LiveView {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';
}

class DependencyCheckView {
  @ApiProperty({ enum: ['up', 'down'] })
  status: 'up' | 'down';

  @ApiPropertyOptional({ example: 'postgres', description: 'postgres or pglite; bull or inline' })
  driver?: string;

  @ApiPropertyOptional()
  error?: string;
}

class ReadinessChecksView {
  @ApiProperty({ type: DependencyCheckView })
  database: DependencyCheckView;

  @ApiProperty({ type: DependencyCheckView })
  queue: DependencyCheckView;
}

class ReadyView {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';

  @ApiProperty({ type: ReadinessChecksView })
  checks: ReadinessChecksView;
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: QueuePort,
  ) {}

  @Get('live')
  @Public()
  @ApiOperation({ summary: 'Live: the process answers' })
  @ApiOkResponse({ type: LiveView })
  live(): LiveView {
    return { status: 'ok' };
  }

  /** Ready when the database answers and the queue's store (Redis, or the in-process queue) is reachable. */
  @Get('ready')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Ready: the database and the queue are reachable (503 problem details with the checks otherwise)' })
  @ApiOkResponse({ type: ReadyView })
  @ApiProblems(503)
  async ready(): Promise<ReadyView> {
    const checks = {} as ReadinessChecksView;
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
