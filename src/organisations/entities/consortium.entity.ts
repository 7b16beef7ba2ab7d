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

  @ManyToOne(() => Consortium, (c) => c.members, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'consortium_id' })
  consortium?: Consortium;

  @ManyToOne(() => Organisation)
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;
}
