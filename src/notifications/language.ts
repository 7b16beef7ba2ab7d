import { EntityManager } from 'typeorm';
import { languageOf } from '../organisations/entities/municipality.entity';
import { Language } from './notification.types';

/**
 * By språklova a state body writes to a municipality in its registered målform (Nøytral → bokmål).
 * Pass the result as the recipient's `language` for mail that goes to a municipality.
 */
export async function languageForMunicipality(manager: EntityManager, municipalityNumber: string): Promise<Language> {
  const [row] = await manager.query(`SELECT written_language FROM municipality WHERE number = $1`, [municipalityNumber]);
  if (!row) throw new Error(`municipality ${municipalityNumber} does not exist`);
  return languageOf(row.written_language);
}

/** A municipality's organisation writes in its målform; every other organisation (health trust, KS, …) gets bokmål. */
export async function languageForOrganisation(manager: EntityManager, organisationId: string): Promise<Language> {
  const [row] = await manager.query(
    `SELECT m.written_language FROM organisation o LEFT JOIN municipality m ON m.number = o.municipality_number WHERE o.id = $1`,
    [organisationId],
  );
  if (!row) throw new Error(`organisation ${organisationId} does not exist`);
  return languageOf(row.written_language);
}
