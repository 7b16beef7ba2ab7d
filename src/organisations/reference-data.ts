import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../config/project-root';

export interface MunicipalityRow {
  number: string;
  name: string;
  countyNumber: string;
  county: string;
  healthRegion: string;
  population: number;
  areaKm2: number;
  adminCentre: string;
  writtenLanguage: string;
}

const HEADER = 'kommunenummer,navn,fylkesnummer,fylke,helseregion,innbyggere,areal_km2,administrasjonssenter,malform';

/** Reads reference-data/kommuner-2025.csv (a copy of the shared reference data, kept in the project). */
export function readMunicipalities(file = join(projectRoot(), 'reference-data', 'kommuner-2025.csv')): MunicipalityRow[] {
  const lines = readFileSync(file, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim());
  if (lines[0] !== HEADER) throw new Error(`${file}: unexpected header "${lines[0]}"`);
  return lines.slice(1).map((line, i) => {
    const c = line.split(',');
    if (c.length !== 9) throw new Error(`${file}:${i + 2}: expected 9 columns, got ${c.length}`);
    return {
      number: c[0],
      name: c[1],
      countyNumber: c[2],
      county: c[3],
      healthRegion: c[4],
      population: Number(c[5]),
      areaKm2: Number(c[6]),
      adminCentre: c[7],
      writtenLanguage: c[8],
    };
  });
}

/** The health trusts (helseforetak) that may join a consortium, by regional health authority. */
export const HEALTH_TRUSTS: Array<{ name: string; region: string }> = [
  { name: 'Akershus universitetssykehus HF', region: 'Helse Sør-Øst' },
  { name: 'Oslo universitetssykehus HF', region: 'Helse Sør-Øst' },
  { name: 'Sykehuset Innlandet HF', region: 'Helse Sør-Øst' },
  { name: 'Sykehuset Østfold HF', region: 'Helse Sør-Øst' },
  { name: 'Sykehuset Telemark HF', region: 'Helse Sør-Øst' },
  { name: 'Sykehuset i Vestfold HF', region: 'Helse Sør-Øst' },
  { name: 'Sørlandet sykehus HF', region: 'Helse Sør-Øst' },
  { name: 'Vestre Viken HF', region: 'Helse Sør-Øst' },
  { name: 'Helse Bergen HF', region: 'Helse Vest' },
  { name: 'Helse Stavanger HF', region: 'Helse Vest' },
  { name: 'Helse Fonna HF', region: 'Helse Vest' },
  { name: 'Helse Førde HF', region: 'Helse Vest' },
  { name: 'St. Olavs hospital HF', region: 'Helse Midt-Norge' },
  { name: 'Helse Møre og Romsdal HF', region: 'Helse Midt-Norge' },
  { name: 'Helse Nord-Trøndelag HF', region: 'Helse Midt-Norge' },
  { name: 'Universitetssykehuset Nord-Norge HF', region: 'Helse Nord' },
  { name: 'Nordlandssykehuset HF', region: 'Helse Nord' },
  { name: 'Helgelandssykehuset HF', region: 'Helse Nord' },
  { name: 'Finnmarkssykehuset HF', region: 'Helse Nord' },
];

export const OTHER_ORGANISATIONS: Array<{ name: string; kind: string }> = [
  { name: 'KS (Kommunesektorens organisasjon)', kind: 'KS' },
  { name: 'Helse- og omsorgsdepartementet', kind: 'MINISTRY' },
  { name: 'Helsedirektoratet', kind: 'DIRECTORATE' },
];
