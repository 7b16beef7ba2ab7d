import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { Organisation } from './organisation.entity';

export const MEMBER_STATUSES = ['INVITED', 'LETTER_SUBMITTED', 'CONFIRMED'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];
/** How a member consented; MIGRATED_LEAD: the lead of a consortium made before consent was recorded. */
export const CONSENT_BASES = ['APPLICANT', 'LETTER_OF_INTENT', 'MIGRATED_LEAD'] as const;
export type ConsentBasis = (typeof CONSENT_BASES)[number];

/** A kommunesamarbeid: the applicant. One lead municipality (tilskuddsansvarlig) is legally responsible. */
@Entity('consortium')
export class Consortium {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column()
  name: string;

  @Column({ name: 'lead_organisation_id', type: 'uuid' })
  leadOrganisationId: string;

  @ManyToOne(() => Organisation)
  @JoinColumn({ name: 'lead_organisation_id' })
  lead?: Organisation;

  @OneToMany(() => ConsortiumMember, (m) => m.consortium)
  members?: ConsortiumMember[];

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @VersionColumn()
  version: number;
}

@Entity('consortium_member')
export class ConsortiumMember {
  @PrimaryColumn({ name: 'consortium_id', type: 'uuid' })
  consortiumId: string;

  @PrimaryColumn({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;

  /** INVITED until the member consents: CONFIRMED by its own applicant, or LETTER_SUBMITTED and accepted by an officer. */
  @Column({ type: 'text', default: 'INVITED' })
  status: MemberStatus;

  @Column({ name: 'invited_at', type: 'timestamptz' })
  invitedAt: Date;

  @Column({ name: 'invited_by', type: 'uuid', nullable: true })
  invitedBy: string | null;

  @Column({ name: 'consent_basis', type: 'text', nullable: true })
  consentBasis: ConsentBasis | null;

  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true })
  confirmedAt: Date | null;

  @Column({ name: 'confirmed_by', type: 'uuid', nullable: true })
  confirmedBy: string | null;

  /** The signed letter of intent (intensjonsavtale), an attachment of one of the consortium's applications. */
  @Column({ name: 'letter_attachment_id', type: 'uuid', nullable: true })
  letterAttachmentId: string | null;

  @ManyToOne(() => Consortium, (c) => c.members, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'consortium_id' })
  consortium?: Consortium;

  @ManyToOne(() => Organisation)
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;
}
