/** The scheme and its measures (domain brief § 3): facts of the scheme, loaded by a data migration. */
export const SCHEME = {
  code: 'HELSETEKNOLOGIORDNINGEN',
  nameNb: 'Helseteknologiordningen',
  nameNn: 'Helseteknologiordninga',
  firstYear: 2024,
  lastYear: 2028,
};

export const MEASURE_ALLOCATIONS = ['COMPETITIVE', 'DIRECT', 'REGISTER', 'SERVICE'] as const;
export type MeasureAllocation = (typeof MEASURE_ALLOCATIONS)[number];

/** Only COMPETITIVE measures take applications through calls; KOMPETANSENETTVERK is a direct allocation to KS. */
export const MEASURES: Array<{ code: string; nameNb: string; nameNn: string; allocation: MeasureAllocation }> = [
  {
    code: 'SAMORDNET_ANSKAFFELSE',
    nameNb: 'Tilskudd til samordning av anskaffelser av journalløsninger',
    nameNn: 'Tilskot til samordning av anskaffingar av journalløysingar',
    allocation: 'COMPETITIVE',
  },
  {
    code: 'INNFORING',
    nameNb: 'Tilskudd til innføring av journalløsninger / ny journalfunksjonalitet',
    nameNn: 'Tilskot til innføring av journalløysingar / ny journalfunksjonalitet',
    allocation: 'COMPETITIVE',
  },
  {
    code: 'KOMPETANSENETTVERK',
    nameNb: 'Nettverk for kompetanseløft og -deling (KS)',
    nameNn: 'Nettverk for kompetanseløft og -deling (KS)',
    allocation: 'DIRECT',
  },
  {
    code: 'GODKJENNING',
    nameNb: 'Godkjenningsordning (godkjenning / egenerklæring av løsninger)',
    nameNn: 'Godkjenningsordning (godkjenning / eigenerklæring av løysingar)',
    allocation: 'REGISTER',
  },
  {
    code: 'STANDARDBISTAND',
    nameNb: 'Bistand til bestilling, bruk og tilpasning av standarder',
    nameNn: 'Bistand til bestilling, bruk og tilpassing av standardar',
    allocation: 'SERVICE',
  },
];

/** An extensible list: officers add areas as the scheme widens (POST /technology-areas). */
export const TECHNOLOGY_AREAS = [
  { code: 'JOURNAL', nameNb: 'Journalløsninger', nameNn: 'Journalløysingar', availableFromYear: 2024 },
  { code: 'VELFERDSTEKNOLOGI', nameNb: 'Velferdsteknologi', nameNn: 'Velferdsteknologi', availableFromYear: 2025 },
  { code: 'DIGITAL_HJEMMEOPPFOLGING', nameNb: 'Digital hjemmeoppfølging', nameNn: 'Digital heimeoppfølging', availableFromYear: 2025 },
];
