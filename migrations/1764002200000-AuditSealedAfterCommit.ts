import { MigrationInterface, QueryRunner } from 'typeorm';

const CONTENT = `seq, occurred_at, actor_user_id, actor_token_id, actor_roles, actor_label, action, entity_type, entity_id, diff, request_id, client_address`;
const NEW = CONTENT.split(', ')
  .map((c) => `NEW.${c}`)
  .join(', ');
const OLD = CONTENT.split(', ')
  .map((c) => `OLD.${c}`)
  .join(', ');

/**
 * The audit chain is sealed after commit instead of under a global lock held by every writer (issue 16). A writer
 * inserts its entry with its sequence number, its content and a MAC of that content under the audit key, but with no
 * link (prev_hash and hash NULL); the sealer links the committed entries into the chain in sequence order and replaces
 * the content MAC by the MAC of the hash. The table stays append-only: the one UPDATE it allows is that seal, once, of
 * an unsealed entry, leaving its content as it was.
 */
export class AuditSealedAfterCommit1764002200000 implements MigrationInterface {
  name = 'AuditSealedAfterCommit1764002200000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_event ALTER COLUMN prev_hash DROP NOT NULL, ALTER COLUMN hash DROP NOT NULL`);
    await q.query(`ALTER TABLE audit_event ADD CONSTRAINT audit_event_sealed_whole CHECK ((prev_hash IS NULL) = (hash IS NULL))`);
    // the sealer's backlog, found without scanning the sealed chain
    await q.query(`CREATE INDEX audit_event_unsealed_idx ON audit_event (seq) WHERE hash IS NULL`);
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.hash IS NULL AND NEW.hash IS NOT NULL
           AND ROW(${NEW}) IS NOT DISTINCT FROM ROW(${OLD}) THEN
          RETURN NEW; -- the seal: an unsealed entry linked into the chain, its content untouched
        END IF;
        RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP USING ERRCODE = '42501';
      END $$`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP USING ERRCODE = '42501';
      END $$`);
    await q.query(`DROP INDEX audit_event_unsealed_idx`);
    await q.query(`ALTER TABLE audit_event DROP CONSTRAINT audit_event_sealed_whole`);
    await q.query(`ALTER TABLE audit_event ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL`);
  }
}
