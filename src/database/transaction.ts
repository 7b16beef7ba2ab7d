import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** Runs work in one database transaction; everything written through `manager` commits or rolls back together. */
@Injectable()
export class Transactions {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Serializable/deadlock failures are safe to retry: the whole transaction rolled back. */
  async runWithRetry<T>(work: (manager: EntityManager) => Promise<T>, attempts = 5): Promise<T> {
    for (let i = 1; ; i++) {
      try {
        return await this.dataSource.transaction(work);
      } catch (e) {
        const code = (e as { code?: string; driverError?: { code?: string } }).driverError?.code ?? (e as { code?: string }).code;
        if (i >= attempts || (code !== '40001' && code !== '40P01')) throw e;
        await new Promise((r) => setTimeout(r, 5 * i + Math.random() * 20));
      }
    }
  }
}
