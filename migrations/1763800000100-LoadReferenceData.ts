import { MigrationInterface, QueryRunner } from 'typeorm';
import { HEALTH_TRUSTS, OTHER_ORGANISATIONS, readMunicipalities } from '../src/organisations/reference-data';

/** Data migration: the 357 municipalities of 2025 and the organisations of the scheme. */
export class LoadReferenceData1763800000100 implements MigrationInterface {
  name = 'LoadReferenceData1763800000100';

  public async up(q: QueryRunner): Promise<void> {
    const rows = readMunicipalities();
    const cols = [
      'number',
      'name',
      'county_number',
      'county',
      'health_region',
      'population',
      'area_km2',
      'admin_centre',
      'written_language',
    ];
    for (let i = 0; i < rows.length; i += 100) {
      const chunk = rows.slice(i, i + 100);
      const params: unknown[] = [];
      const values = chunk.map((r) => {
        params.push(r.number, r.name, r.countyNumber, r.county, r.healthRegion, r.population, r.areaKm2, r.adminCentre, r.writtenLanguage);
        const b = params.length - 9;
        return `(${cols.map((_, j) => `$${b + j + 1}`).join(', ')})`;
      });
      await q.query(`INSERT INTO municipality (${cols.join(', ')}) VALUES ${values.join(', ')}`, params);
    }
    await q.query(`INSERT INTO organisation (kind, name, municipality_number, health_region)
                   SELECT 'MUNICIPALITY', name || ' kommune', number, health_region FROM municipality`);
    for (const t of HEALTH_TRUSTS) {
      await q.query(`INSERT INTO organisation (kind, name, health_region) VALUES ('HEALTH_TRUST', $1, $2)`, [t.name, t.region]);
    }
    for (const o of OTHER_ORGANISATIONS) {
      await q.query(`INSERT INTO organisation (kind, name) VALUES ($1, $2)`, [o.kind, o.name]);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM organisation WHERE kind IN ('MUNICIPALITY','HEALTH_TRUST','KS','MINISTRY','DIRECTORATE')`);
    await q.query(`DELETE FROM municipality`);
  }
}
