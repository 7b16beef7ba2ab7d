import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the insights (issue 15): each grant's paid sum, and an application's formal-check and assessment
 * steps. The partial unique indexes on live grants and on decisions in force already serve the joins from an
 * application, reclaim_grant_idx the reclaims, report_grant_idx the reports.
 */
export class InsightsIndexes1764002000000 implements MigrationInterface {
  name = 'InsightsIndexes1764002000000';

  public async up(q: QueryRunner): Promise<void> {
    // a grant's paid sum in one index range, without visiting the payment rows (amount in the index)
    await q.query(`CREATE INDEX payment_grant_status_idx ON payment (grant_id, status) INCLUDE (amount_ore)`);
    // the applications' formal-check and assessment steps: state_transition by entity and target state
    await q.query(`CREATE INDEX state_transition_entity_to_idx ON state_transition (entity_type, entity_id, to_state)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX state_transition_entity_to_idx`);
    await q.query(`DROP INDEX payment_grant_status_idx`);
  }
}
