import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** A sak: numbered YYYY/NNNNN when its application is first submitted; the journal's entries are numbered within it. */
@Entity('case_file')
export class CaseFile {
  @PrimaryColumn({ name: 'case_number' })
  caseNumber: string;

  @Column({ type: 'integer' })
  year: number;

  @Column({ type: 'integer' })
  number: number;

  @Column({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  @Column()
  title: string;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt: Date;

  @Column({ name: 'last_entry_seq', type: 'integer' })
  lastEntrySeq: number;
}

export const JOURNAL_DIRECTIONS = ['I', 'U', 'N'] as const;
/** I inbound, U outbound (utgående), N internal note (Noark 5). */
export type JournalDirection = (typeof JOURNAL_DIRECTIONS)[number];

/** A journalpost YYYY/NNNNN-n; append-only. */
@Entity('journal_entry')
export class JournalEntry {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'case_number' })
  caseNumber: string;

  @Column({ type: 'integer' })
  seq: number;

  @Column({ type: 'char', length: 1 })
  direction: JournalDirection;

  @Column({ name: 'document_type' })
  documentType: string;

  @Column()
  title: string;

  @Column({ type: 'text', nullable: true })
  counterpart: string | null;

  @Column({ name: 'application_version', type: 'integer', nullable: true })
  applicationVersion: number | null;

  @Column({ name: 'registered_by', type: 'uuid', nullable: true })
  registeredBy: string | null;

  @Column({ name: 'registered_at', type: 'timestamptz' })
  registeredAt: Date;

  /** The document registered with the entry, in storage, and the SHA-256 of its bytes. */
  @Column({ name: 'document_key', type: 'text', nullable: true })
  documentKey: string | null;

  @Column({ name: 'document_sha256', type: 'text', nullable: true })
  documentSha256: string | null;

  @Column({ name: 'document_media_type', type: 'text', nullable: true })
  documentMediaType: string | null;
}
