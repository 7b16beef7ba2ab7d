import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Municipality } from './municipality.entity';

export const ORGANISATION_KINDS = ['MUNICIPALITY', 'HEALTH_TRUST', 'KS', 'MINISTRY', 'DIRECTORATE', 'OTHER'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/** Anyone who acts in the scheme: every municipality, the health trusts (helseforetak), KS, HOD, the directorate. */
@Entity('organisation')
export class Organisation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  kind: OrganisationKind;

  @Column()
  name: string;

  @Column({ name: 'org_number', type: 'char', length: 9, nullable: true })
  orgNumber: string | null;

  @Column({ name: 'municipality_number', type: 'char', length: 4, nullable: true })
  municipalityNumber: string | null;

  @ManyToOne(() => Municipality, { nullable: true })
  @JoinColumn({ name: 'municipality_number' })
  municipality?: Municipality | null;

  @Column({ name: 'health_region', type: 'text', nullable: true })
  healthRegion: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
