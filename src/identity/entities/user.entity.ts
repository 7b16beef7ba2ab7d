import { Column, CreateDateColumn, Entity, JoinTable, ManyToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Organisation } from '../../organisations/entities/organisation.entity';
import { Role } from '../roles';

/**
 * A person. How they prove who they are (a password today, ID-porten/Entra ID later) is kept apart, in
 * user_credential: a user may have none, one or several ways to sign in.
 */
@Entity('app_user')
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ unique: true })
  email: string;

  @Column({ name: 'display_name' })
  displayName: string;

  @Column({ type: 'text', array: true })
  roles: Role[];

  @Column({ default: true })
  active: boolean;

  @Column({ name: 'preferred_language', type: 'text', nullable: true })
  preferredLanguage: 'nb' | 'nn' | null;

  @ManyToMany(() => Organisation)
  @JoinTable({ name: 'user_organisation', joinColumn: { name: 'user_id' }, inverseJoinColumn: { name: 'organisation_id' } })
  organisations?: Organisation[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
