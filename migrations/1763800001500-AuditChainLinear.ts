import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every audit entry has at most one successor: the chain is a line, never a fork. AuditService relies on it to
 * turn a writer with a stale view of the chain into a retryable serialization failure.
 */
export class AuditChainLinear1763800001500 implements MigrationInterface {
  name = 'AuditChainLinear1763800001500';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_event ADD CONSTRAINT audit_event_one_successor UNIQUE (prev_hash)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_event DROP CONSTRAINT audit_event_one_successor`);
  }
}
