import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource, MigrationInterface } from 'typeorm';
import { submittedBudgetLines, submittedIndicators, submittedMembers } from '../src/applications/submitted-facts.queries';
import { callCostCategories } from '../src/calls/cost-categories.queries';
import { dataSourceOptions } from '../src/database/data-source-options';
import { createTestDatabase } from './support/database';
import { describeWith } from './support/drivers';

const FACTS_MIGRATION = 1764000400000;
const MIGRATIONS_DIR = join(__dirname, '..', 'migrations');

const CALL = 'ca000000-0000-4000-8000-000000000001';
const CONSORTIUM = 'c0000000-0000-4000-8000-000000000001';
const APP = 'a0000000-0000-4000-8000-000000000001';
const DRAFT_LINE_KEPT = 'b0000000-0000-4000-8000-000000000001';
const DRAFT_LINE_CHANGED = 'b0000000-0000-4000-8000-000000000002';
const INDICATOR = '1d000000-0000-4000-8000-000000000001';

const RULES = JSON.stringify({
  costCategories: {
    eligible: [
      { code: 'OPPLAERING', label: 'training' },
      { code: 'LEGACY_KODE', label: 'Gammel kategori' },
    ],
    ineligible: [{ code: 'NORMAL_DRIFT', reason: 'never' }],
  },
});

/**
 * What the database held before the facts became rows: a published call whose rules name a code outside today's
 * catalogue, and an application submitted then, whose frozen version has budget lines without ids and indicator
 * values as JSON numbers, and whose draft was edited since (one line still as submitted, one changed).
 */
const LEGACY = `
  BEGIN;
  INSERT INTO consortium (id, name, lead_organisation_id) SELECT '${CONSORTIUM}', 'Gammelt samarbeid', id FROM organisation WHERE municipality_number = '4601';
  INSERT INTO consortium_member (consortium_id, organisation_id)
    SELECT '${CONSORTIUM}'::uuid, id FROM organisation WHERE municipality_number IN ('4601', '4602')
    UNION ALL (SELECT '${CONSORTIUM}'::uuid, id FROM organisation WHERE kind = 'HEALTH_TRUST' ORDER BY name LIMIT 1);
  INSERT INTO call (id, status, measure_code, technology_area, title_nb, title_nn, text_nb, text_nn, budget_ore, opens_at, closes_at, rules, version, published_at)
    VALUES ('${CALL}', 'PUBLISHED', 'INNFORING', 'JOURNAL', 'Gammel', 'Gammal', 't', 't', 100000000, '2025-01-01T00:00Z', '2025-06-01T00:00Z',
            '${RULES}', 1, '2025-01-01T00:00Z');
  INSERT INTO call_version (call_id, version, content) VALUES ('${CALL}', 1, jsonb_build_object('rules', '${RULES}'::jsonb));
  INSERT INTO application (id, status, call_id, consortium_id, title, case_number, current_version, submitted_at)
    VALUES ('${APP}', 'SUBMITTED', '${CALL}', '${CONSORTIUM}', 'Gammel søknad', '2025/00001', 1, '2025-02-01T00:00Z');
  INSERT INTO case_file (case_number, year, number, application_id, title, opened_at) VALUES ('2025/00001', 2025, 1, '${APP}', 'Gammel søknad', '2025-02-01T00:00Z');
  INSERT INTO application_budget_line (id, application_id, position, cost_category, description, year, amount_ore) VALUES
    ('${DRAFT_LINE_KEPT}', '${APP}', 0, 'OPPLAERING', 'Opplæring', 2026, 60000000),
    ('${DRAFT_LINE_CHANGED}', '${APP}', 1, 'ANNEN_KODE', 'Endret etterpå', 2027, 1);
  INSERT INTO application_version (application_id, version, call_version, content, content_sha256, submitted_at)
    SELECT '${APP}', 1, 1, jsonb_build_object(
      'budgetLines', '[{"costCategory": "OPPLAERING", "description": "Opplæring", "year": 2026, "amountOre": 60000000},
                       {"costCategory": "LEGACY_KODE", "description": "Gammelt", "year": 2027, "amountOre": 40000000}]'::jsonb,
      'consortium', jsonb_build_object('members', (
        SELECT jsonb_agg(jsonb_build_object('organisationId', o.id, 'kind', o.kind, 'name', o.name, 'municipalityNumber', o.municipality_number,
                                            'healthRegion', o.health_region, 'lead', o.municipality_number IS NOT DISTINCT FROM '4601')
                         ORDER BY o.kind, o.municipality_number)
          FROM consortium_member cm JOIN organisation o ON o.id = cm.organisation_id WHERE cm.consortium_id = '${CONSORTIUM}')),
      'benefitPlan', jsonb_build_object('indicators', '[{"id": "${INDICATOR}", "name": "Tid", "unit": "min", "actor": "PATIENTS",
        "kind": "BENEFIT", "method": "MEASURED", "baselineValue": 0.1, "baselineDate": "2025-01-01",
        "targetValue": 12345678901234.5678, "targetYear": 2027, "priceYear": null}]'::jsonb)
    ), repeat('0', 64), '2025-02-01T00:00Z';
  COMMIT;`;

function migrationsInOrder(): Array<{ timestamp: number; up: MigrationInterface['up'] }> {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d+-.*\.ts$/.test(f))
    .sort()
    .map((f) => {
      const mod = require(join(MIGRATIONS_DIR, f)) as Record<string, new () => MigrationInterface>;
      const migration = new (Object.values(mod)[0])();
      return { timestamp: Number(f.split('-')[0]), up: (q) => migration.up(q) };
    });
}

/** Migrates to just before the facts migration, writes the legacy rows, then runs the rest. */
async function backfill(ds: DataSource) {
  await ds.initialize();
  try {
    const q = ds.createQueryRunner();
    try {
      const all = migrationsInOrder();
      for (const m of all.filter((x) => x.timestamp < FACTS_MIGRATION)) await m.up(q);
      await q.query(LEGACY);
      for (const m of all.filter((x) => x.timestamp >= FACTS_MIGRATION)) await m.up(q);
    } finally {
      await q.release();
    }
    const m = ds.manager;

    const categories: Array<{ code: string; label_nb: string; eligible: boolean }> = await ds.query(
      `SELECT code, label_nb, eligible FROM cost_category WHERE code IN ('LEGACY_KODE', 'ANNEN_KODE') ORDER BY code`,
    );
    expect(categories).toEqual([
      { code: 'ANNEN_KODE', label_nb: 'ANNEN_KODE', eligible: true },
      { code: 'LEGACY_KODE', label_nb: 'Gammel kategori', eligible: true },
    ]);
    expect(await callCostCategories(m, CALL, 1)).toEqual([
      { code: 'OPPLAERING', eligible: true, label: 'training', reason: null, position: 0 },
      { code: 'LEGACY_KODE', eligible: true, label: 'Gammel kategori', reason: null, position: 1 },
      { code: 'NORMAL_DRIFT', eligible: false, label: null, reason: 'never', position: 2 },
    ]);

    // the line the draft still has as submitted keeps the draft line's id; the changed one gets a derived, stable id
    const derived = createHash('md5').update(`${APP}:1:1`).digest('hex');
    const derivedId = `${derived.slice(0, 8)}-${derived.slice(8, 12)}-${derived.slice(12, 16)}-${derived.slice(16, 20)}-${derived.slice(20)}`;
    expect(await submittedBudgetLines(m, APP, 1)).toEqual([
      { lineId: DRAFT_LINE_KEPT, position: 0, costCategory: 'OPPLAERING', description: 'Opplæring', year: 2026, amountOre: 60000000 },
      { lineId: derivedId, position: 1, costCategory: 'LEGACY_KODE', description: 'Gammelt', year: 2027, amountOre: 40000000 },
    ]);
    const members = await submittedMembers(m, APP, 1);
    expect(members.map((x) => [x.role, x.municipalityNumber])).toEqual([
      ['HEALTH_TRUST', null],
      ['LEAD', '4601'],
      ['MEMBER', '4602'],
    ]);
    // JSON numbers of the frozen version are read exactly (jsonb keeps them as numeric)
    expect(await submittedIndicators(m, APP, 1)).toEqual([
      expect.objectContaining({
        indicatorId: INDICATOR,
        baselineValue: '0.1',
        baselineDate: '2025-01-01',
        targetValue: '12345678901234.5678',
      }),
    ]);
    // and from now on the draft's lines point at the catalogue
    await expect(
      ds.query(`UPDATE application_budget_line SET cost_category = 'FINNES_IKKE' WHERE id = '${DRAFT_LINE_KEPT}'`),
    ).rejects.toMatchObject({ code: '23503' });
  } finally {
    await ds.destroy();
  }
}

describe('the facts migration carries over what was submitted before it', () => {
  it('on an embedded PGlite', async () => {
    await backfill(new DataSource({ ...dataSourceOptions({ pgliteDir: 'memory://', logLevel: 'silent' }), migrations: [] }));
  });

  describeWith('DATABASE_URL', 'on PostgreSQL', () => {
    it('on PostgreSQL', async () => {
      const saved = process.env.HTO_TEMPLATE_DB;
      delete process.env.HTO_TEMPLATE_DB; // an empty database, not the migrated template
      const db = await createTestDatabase();
      process.env.HTO_TEMPLATE_DB = saved;
      try {
        await backfill(
          new DataSource({ ...dataSourceOptions({ databaseUrl: db.url, pgliteDir: '', logLevel: 'silent' }), migrations: [] }),
        );
      } finally {
        await db.drop();
      }
    });
  });
});
