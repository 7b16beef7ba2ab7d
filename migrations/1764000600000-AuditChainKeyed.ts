import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit chain becomes keyed: each entry carries an HMAC-SHA256 of its hash under AUDIT_HMAC_KEY, a key the
 * database never holds, so an entry written by anyone without it (the serving role inserting directly, say) fails
 * verification even when its hash and link are right. Entries written before this migration have no MAC; the
 * highest of them is recorded here, and verification checks those by their hash and link alone. (No production
 * installation existed when the key was introduced, so in practice that is the seed data of development databases.)
 */
export class AuditChainKeyed1764000600000 implements MigrationInterface {
  name = 'AuditChainKeyed1764000600000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_event ADD COLUMN mac text CONSTRAINT audit_event_mac_hex CHECK (mac ~ '^[0-9a-f]{64}$')`);
    await q.query(`
      CREATE TABLE audit_chain_keyed_from (
        one boolean PRIMARY KEY DEFAULT true CHECK (one),
        -- entries up to this seq were written before the key existed
        unkeyed_until bigint NOT NULL
      )`);
    await q.query(`INSERT INTO audit_chain_keyed_from (unkeyed_until) SELECT coalesce(max(seq), 0) FROM audit_event`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_chain_keyed_from`);
    await q.query(`ALTER TABLE audit_event DROP COLUMN mac`);
  }
}
