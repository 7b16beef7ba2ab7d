import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { MoneyColumn } from '../../database/money';
import { MeasureAllocation } from '../scheme-data';

@Entity('scheme')
export class Scheme {
  @PrimaryColumn()
  code: string;

  @Column({ name: 'name_nb' })
  nameNb: string;

  @Column({ name: 'name_nn' })
  nameNn: string;

  @Column({ name: 'first_year', type: 'integer' })
  firstYear: number;

  @Column({ name: 'last_year', type: 'integer' })
  lastYear: number;
}

/** A measure (tiltak) of the scheme; `allocation` says how it is given (only COMPETITIVE has calls). */
@Entity('measure')
export class Measure {
  @PrimaryColumn()
  code: string;

  @Column({ name: 'scheme_code' })
  schemeCode: string;

  @Column({ name: 'name_nb' })
  nameNb: string;

  @Column({ name: 'name_nn' })
  nameNn: string;

  @Column({ type: 'text' })
  allocation: MeasureAllocation;
}

@Entity('technology_area')
export class TechnologyArea {
  @PrimaryColumn()
  code: string;

  @Column({ name: 'name_nb' })
  nameNb: string;

  @Column({ name: 'name_nn' })
  nameNn: string;

  @Column({ name: 'available_from_year', type: 'integer' })
  availableFromYear: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** A grant given without competition (KS's competence network): one record per organisation and year. */
@Entity('direct_allocation')
export class DirectAllocation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'measure_code' })
  measureCode: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;

  @Column({ type: 'integer' })
  year: number;

  @MoneyColumn({ name: 'amount_ore' })
  amountOre: number;

  @Column({ type: 'text', nullable: true })
  reference: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
