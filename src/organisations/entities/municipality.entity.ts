import { Column, Entity, PrimaryColumn } from 'typeorm';

export const HEALTH_REGIONS = ['Helse Sør-Øst', 'Helse Vest', 'Helse Midt-Norge', 'Helse Nord'] as const;
export type HealthRegion = (typeof HEALTH_REGIONS)[number];
/** Målform as registered by the municipality (språklova); Nøytral is written to in bokmål. */
export const WRITTEN_LANGUAGES = ['Bokmål', 'Nynorsk', 'Nøytral'] as const;
export type WrittenLanguage = (typeof WRITTEN_LANGUAGES)[number];

export type Language = 'nb' | 'nn';
export function languageOf(malform: WrittenLanguage | string | null | undefined): Language {
  return malform === 'Nynorsk' ? 'nn' : 'nb';
}

/** Reference data: the 357 municipalities of 2025 (Statistics Norway). Loaded by a data migration. */
@Entity('municipality')
export class Municipality {
  @PrimaryColumn({ type: 'char', length: 4 })
  number: string;

  @Column()
  name: string;

  @Column({ name: 'county_number', type: 'char', length: 2 })
  countyNumber: string;

  @Column()
  county: string;

  @Column({ name: 'health_region', type: 'text' })
  healthRegion: HealthRegion;

  @Column({ type: 'integer' })
  population: number;

  @Column({
    name: 'area_km2',
    type: 'numeric',
    precision: 10,
    scale: 2,
    transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) },
  })
  areaKm2: number;

  @Column({ name: 'admin_centre' })
  adminCentre: string;

  @Column({ name: 'written_language', type: 'text' })
  writtenLanguage: WrittenLanguage;
}
