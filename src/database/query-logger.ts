import { Logger as NestLogger } from '@nestjs/common';
import { AbstractLogger, LogLevel, LogMessage, QueryRunner } from 'typeorm';

/**
 * TypeORM's own loggers print failed queries with their parameters, which can be password or token hashes.
 * This one logs the statement and the database's error through the app's logger, never the parameters.
 */
export class QueryLogger extends AbstractLogger {
  private readonly logger = new NestLogger('Database');

  logQueryError(error: string | Error, query: string, _parameters?: unknown[], _queryRunner?: QueryRunner): void {
    const message = typeof error === 'string' ? error : error.message;
    const code = typeof error === 'string' ? undefined : (error as { code?: string }).code;
    this.logger.warn({ query: query.replace(/\s+/g, ' ').slice(0, 500), code }, `query failed: ${message}`);
  }

  protected writeLog(level: LogLevel, logMessage: LogMessage | LogMessage[]): void {
    for (const m of Array.isArray(logMessage) ? logMessage : [logMessage]) {
      if (level === 'error' || level === 'warn') this.logger.warn(String(m.message));
    }
  }
}
