import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { DecimalString, fromNumeric } from '../../common/decimal';
import { bigintTransformer, MoneyColumn } from '../../database/money';
import { ApplicationState } from '../application.workflow';
import { ApplicationContent } from '../application-content';

export const SERVICE_AREAS = ['PLO', 'FASTLEGE', 'HELSESTASJON_SKOLEHELSE', 'LEGEVAKT', 'OHD', 'OTHER'] as const;
export type ServiceArea = (typeof SERVICE_AREAS)[number];
export const INDICATOR_ACTORS = ['MUNICIPALITY_STAFF', 'PATIENTS', 'RELATIVES', 'SPECIALIST_CARE', 'SUPPLIERS'] as const;
export const INDICATOR_KINDS = ['AVAILABLE', 'ADOPTED', 'VOLUME_OF_USE', 'BENEFIT'] as const;
export const INDICATOR_METHODS = ['MEASURED', 'ESTIMATED', 'PERCEIVED'] as const;

/** numeric ↔ canonical decimal string: never through a float (pg returns numeric as text). */
const numeric = { to: (v: DecimalString | null | undefined) => v, from: (v: string | number | null) => fromNumeric(v) };

/** A søknad: the editable draft. What was submitted lives in ApplicationVersion, frozen. */
@Entity('application')
export class Application {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', default: 'DRAFT' })
  status: ApplicationState;

  @Column({ name: 'call_id', type: 'uuid' })
  callId: string;

  @Column({ name: 'consortium_id', type: 'uuid' })
  consortiumId: string;

  @Column()
  title: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'text', nullable: true })
  purpose: string | null;

  @Column({ name: 'project_start', type: 'date', nullable: true })
  projectStart: string | null;

  @Column({ name: 'project_end', type: 'date', nullable: true })
  projectEnd: string | null;

  @Column({ name: 'service_areas', type: 'text', array: true, default: () => "'{}'" })
  serviceAreas: ServiceArea[];

  @MoneyColumn({ name: 'requested_amount_ore', nullable: true })
  requestedAmountOre: number | null;

  @MoneyColumn({ name: 'own_contribution_ore', nullable: true })
  ownContributionOre: number | null;

  /** null: not yet answered; false: no other public funding; true: the items are listed. */
  @Column({ name: 'other_public_funding_declared', type: 'boolean', nullable: true })
  otherPublicFundingDeclared: boolean | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  confirmations: string[];

  @Column({ name: 'case_number', type: 'text', nullable: true })
  caseNumber: string | null;

  @Column({ name: 'current_version', type: 'integer', default: 0 })
  currentVersion: number;

  @Column({ name: 'completion_due_at', type: 'timestamptz', nullable: true })
  completionDueAt: Date | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true })
  submittedAt: Date | null;
}

/** A line of the draft's budget; its id stays across edits (sent back with the line) and is frozen into each submitted version. */
@Entity('application_budget_line')
export class BudgetLine {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  @Column({ type: 'integer' })
  position: number;

  @Column({ name: 'cost_category' })
  costCategory: string;

  @Column()
  description: string;

  @Column({ type: 'integer' })
  year: number;

  @MoneyColumn({ name: 'amount_ore' })
  amountOre: number;
}

@Entity('application_other_funding')
export class OtherFunding {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  @Column({ type: 'integer' })
  position: number;

  @Column()
  source: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @MoneyColumn({ name: 'amount_ore' })
  amountOre: number;
}

/** An indicator of the benefit plan; its id stays across edits so reports can refer to it. */
@Entity('application_indicator')
export class Indicator {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  @Column({ type: 'integer' })
  position: number;

  @Column()
  name: string;

  @Column()
  unit: string;

  @Column({ type: 'text' })
  actor: (typeof INDICATOR_ACTORS)[number];

  @Column({ type: 'text' })
  kind: (typeof INDICATOR_KINDS)[number];

  @Column({ type: 'text' })
  method: (typeof INDICATOR_METHODS)[number];

  @Column({ name: 'baseline_value', type: 'numeric', nullable: true, transformer: numeric })
  baselineValue: DecimalString | null;

  @Column({ name: 'baseline_date', type: 'date', nullable: true })
  baselineDate: string | null;

  @Column({ name: 'target_value', type: 'numeric', nullable: true, transformer: numeric })
  targetValue: DecimalString | null;

  @Column({ name: 'target_year', type: 'integer', nullable: true })
  targetYear: number | null;

  @Column({ name: 'price_year', type: 'integer', nullable: true })
  priceYear: number | null;
}

@Entity('application_contact')
export class Contact {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  @Column({ type: 'integer' })
  position: number;

  @Column()
  name: string;

  @Column()
  email: string;

  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @Column({ type: 'text', nullable: true })
  role: string | null;
}

@Entity('application_attachment')
export class Attachment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  @Column()
  filename: string;

  @Column({ name: 'file_type' })
  fileType: string;

  @Column({ name: 'content_type' })
  contentType: string;

  @Column({ name: 'size_bytes', type: 'bigint', transformer: bigintTransformer })
  sizeBytes: number;

  @Column({ type: 'char', length: 64 })
  sha256: string;

  @Column({ name: 'storage_key' })
  storageKey: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'uploaded_by', type: 'uuid', nullable: true })
  uploadedBy: string | null;

  @CreateDateColumn({ name: 'uploaded_at', type: 'timestamptz' })
  uploadedAt: Date;

  /** Set when a submission first includes it; from then on the file is kept for that frozen version. */
  @Column({ name: 'first_submitted_version', type: 'integer', nullable: true })
  firstSubmittedVersion: number | null;

  @Column({ name: 'removed_at', type: 'timestamptz', nullable: true })
  removedAt: Date | null;
}

/** Exactly what was submitted, with the hash of its canonical JSON; never updated. */
@Entity('application_version')
export class ApplicationVersion {
  @PrimaryColumn({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  @PrimaryColumn({ type: 'integer' })
  version: number;

  @Column({ name: 'call_version', type: 'integer' })
  callVersion: number;

  @Column({ type: 'jsonb' })
  content: ApplicationContent;

  @Column({ name: 'content_sha256', type: 'char', length: 64 })
  contentSha256: string;

  @Column({ name: 'submitted_at', type: 'timestamptz' })
  submittedAt: Date;

  @Column({ name: 'submitted_by', type: 'uuid', nullable: true })
  submittedBy: string | null;
}
