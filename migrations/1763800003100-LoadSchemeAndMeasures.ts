import { MigrationInterface, QueryRunner } from 'typeorm';
import { MEASURES, SCHEME, TECHNOLOGY_AREAS } from '../src/calls/scheme-data';

/** Data migration: Helseteknologiordningen, its five measures and the technology areas known today. */
export class LoadSchemeAndMeasures1763800003100 implements MigrationInterface {
  name = 'LoadSchemeAndMeasures1763800003100';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`INSERT INTO scheme (code, name_nb, name_nn, first_year, last_year) VALUES ($1, $2, $3, $4, $5)`, [
      SCHEME.code,
      SCHEME.nameNb,
      SCHEME.nameNn,
      SCHEME.firstYear,
      SCHEME.lastYear,
    ]);
    for (const m of MEASURES) {
      await q.query(`INSERT INTO measure (code, scheme_code, name_nb, name_nn, allocation) VALUES ($1, $2, $3, $4, $5)`, [
        m.code,
        SCHEME.code,
        m.nameNb,
        m.nameNn,
        m.allocation,
      ]);
    }
    for (const t of TECHNOLOGY_AREAS) {
      await q.query(`INSERT INTO technology_area (code, name_nb, name_nn, available_from_year) VALUES ($1, $2, $3, $4)`, [
        t.code,
        t.nameNb,
        t.nameNn,
        t.availableFromYear,
      ]);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM technology_area WHERE code = ANY($1)`, [TECHNOLOGY_AREAS.map((t) => t.code)]);
    await q.query(`DELETE FROM measure WHERE code = ANY($1)`, [MEASURES.map((m) => m.code)]);
    await q.query(`DELETE FROM scheme WHERE code = $1`, [SCHEME.code]);
  }
}
