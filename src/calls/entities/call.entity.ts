import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { MoneyColumn } from '../../database/money';
import { CallRules } from '../call-rules';
import { CallState } from '../call.workflow';
import { CallContent } from '../call-content';

/** A call (utlysning). Its content is the head version; once published, a change writes a new CallVersion. */
@Entity('call')
export class Call {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', default: 'DRAFT' })
  status: CallState;

  @Column({ name: 'measure_code' })
  measureCode: string;

  @Column({ name: 'technology_area' })
  technologyArea: string;

  @Column({ name: 'title_nb' })
  titleNb: string;

  @Column({ name: 'title_nn' })
  titleNn: string;

  @Column({ name: 'text_nb' })
  textNb: string;

  @Column({ name: 'text_nn' })
  textNn: string;

  @MoneyColumn({ name: 'budget_ore' })
  budgetOre: number;

  @Column({ name: 'opens_at', type: 'timestamptz' })
  opensAt: Date;

  @Column({ name: 'closes_at', type: 'timestamptz' })
  closesAt: Date;

  @Column({ type: 'jsonb' })
  rules: CallRules;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;
}

/** A frozen version of a published call's content; applications record the version they were submitted under. */
@Entity('call_version')
export class CallVersion {
  @PrimaryColumn({ name: 'call_id', type: 'uuid' })
  callId: string;

  @PrimaryColumn({ type: 'integer' })
  version: number;

  @Column({ type: 'jsonb' })
  content: CallContent;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
