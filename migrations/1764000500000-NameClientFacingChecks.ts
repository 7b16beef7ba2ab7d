import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The table-level checks a request can break carry names that say what they guard, so the problem-details filter
 * can name the field (`projectEnd`, `closesAt`) instead of a bare CONSTRAINT_VIOLATED. PostgreSQL had named them
 * `application_check` and `call_check` (the first unnamed check of each table).
 */
export class NameClientFacingChecks1764000500000 implements MigrationInterface {
  name = 'NameClientFacingChecks1764000500000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE application RENAME CONSTRAINT application_check TO application_project_dates_ordered`);
    await q.query(`ALTER TABLE call RENAME CONSTRAINT call_check TO call_closes_after_opens`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE call RENAME CONSTRAINT call_closes_after_opens TO call_check`);
    await q.query(`ALTER TABLE application RENAME CONSTRAINT application_project_dates_ordered TO application_check`);
  }
}
