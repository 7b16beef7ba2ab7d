import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the daily identity housekeeping (src/identity/identity-housekeeping.ts), which deletes login sessions
 * that ended long ago. Without them each run reads the whole of auth_session, and every deleted session makes the
 * cascade read the whole of refresh_token (the only index on its session_id covers the current token alone), which
 * is the table that grows fastest: one row per refresh.
 * api_token needs none: people create those by hand, a few each, so reading the table once a day costs nothing.
 */
export class IdentityHousekeeping1763800003900 implements MigrationInterface {
  name = 'IdentityHousekeeping1763800003900';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX auth_session_expires_idx ON auth_session (expires_at)`);
    // most sessions are never revoked; a logout or a revocation ends one before it expires
    await q.query(`CREATE INDEX auth_session_revoked_idx ON auth_session (revoked_at) WHERE revoked_at IS NOT NULL`);
    await q.query(`CREATE INDEX refresh_token_session_idx ON refresh_token (session_id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX refresh_token_session_idx`);
    await q.query(`DROP INDEX auth_session_revoked_idx`);
    await q.query(`DROP INDEX auth_session_expires_idx`);
  }
}
