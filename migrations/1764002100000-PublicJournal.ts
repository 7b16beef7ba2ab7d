import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The public journal (offentlig journal, issue 15): an officer marks a journal entry, or only its title, exempt from
 * public access with its legal basis (offentleglova § 13 with forvaltningsloven § 13, say). journal_entry is
 * append-only, so the exemption is a row of its own beside the entry; lifting it deletes the row (the audit trail
 * keeps both). The public journal reads entries by registration time, so that column gets an index.
 */
export class PublicJournal1764002100000 implements MigrationInterface {
  name = 'PublicJournal1764002100000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE journal_exemption (
        case_number text NOT NULL,
        seq integer NOT NULL,
        scope text NOT NULL CHECK (scope IN ('ENTRY','TITLE')),
        legal_basis text NOT NULL CHECK (length(trim(legal_basis)) BETWEEN 3 AND 300),
        public_title text CHECK (length(trim(public_title)) BETWEEN 1 AND 500),
        marked_by uuid NOT NULL REFERENCES app_user(id),
        marked_at timestamptz NOT NULL,
        PRIMARY KEY (case_number, seq),
        FOREIGN KEY (case_number, seq) REFERENCES journal_entry(case_number, seq),
        CONSTRAINT journal_exemption_title_only_for_title CHECK (scope = 'TITLE' OR public_title IS NULL)
      )`);
    await q.query(`CREATE INDEX journal_entry_registered_idx ON journal_entry (registered_at, case_number, seq)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX journal_entry_registered_idx`);
    await q.query(`DROP TABLE journal_exemption`);
  }
}
