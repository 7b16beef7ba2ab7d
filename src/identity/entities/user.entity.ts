import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Role } from '../../common/roles';

/**
 * A person. How they prove who they are (a password today, ID-porten/Entra ID later) is kept apart, in
 * user_credential: a user may have none, one or several ways to sign in. The organisations a user acts for are rows
 * of user_organisation, read and written in SQL by UsersService (identity does not depend on organisations).
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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
