import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys (issue 13): a mutating request sent again with the same `Idempotency-Key` returns the first
 * response and changes nothing. The key row is written in the same transaction as the change it guards, so a
 * concurrent repeat waits on it and then finds the stored response; a rolled-back attempt leaves no key behind.
 */
export class IdempotencyKeys1764001500000 implements MigrationInterface {
  name = 'IdempotencyKeys1764001500000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_key (
        scope text NOT NULL,
        key text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
        fingerprint char(64) NOT NULL,
        status integer CHECK (status BETWEEN 200 AND 299),
        response jsonb,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (scope, key),
        CHECK ((status IS NULL) = (response IS NULL))
      )`);
    await q.query(`CREATE INDEX idempotency_key_created_idx ON idempotency_key (created_at)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_key`);
  }
}
