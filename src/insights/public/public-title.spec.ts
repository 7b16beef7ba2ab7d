import { publicTitle } from './public-title';

describe('publicTitle', () => {
  it('cuts the signatory of an acceptance', () => {
    expect(publicTitle('AKSEPT', 'Aksept av tilsagn, elektronisk (Kari Nordmann, Kommunedirektør)')).toBe('Aksept av tilsagn, elektronisk');
    expect(publicTitle('AKSEPT', 'Signert aksept av tilsagn, datert 1. mars 2026 (Ola Normann, Rådmann)')).toBe(
      'Signert aksept av tilsagn, datert 1. mars 2026',
    );
  });

  it("cuts an officer's free-text reason and an uploaded file's name", () => {
    expect(publicTitle('RAPPORTFRIST', 'Utsatt frist for Framdriftsrapport: 2027-03-01 → 2027-04-01 (syk prosjektleder Per Hansen)')).toBe(
      'Utsatt frist for Framdriftsrapport: 2027-03-01 → 2027-04-01',
    );
    expect(publicTitle('FAGLIG_VURDERING', 'Faglig vurdering gjenåpnet: Per Hansen ba om det')).toBe('Faglig vurdering gjenåpnet');
    expect(publicTitle('FAGLIG_VURDERING', 'Faglig vurdering fullført')).toBe('Faglig vurdering fullført');
    expect(publicTitle('KLAGE_VEDLEGG', 'Vedlegg til klage: brev-fra-kari-nordmann.pdf')).toBe('Vedlegg til klage');
  });

  it('masks e-mail addresses in any title and leaves the others as written', () => {
    expect(publicTitle('NOTAT', 'Svar til kari@bergen.kommune.no om fristen')).toBe('Svar til ***** om fristen');
    expect(publicTitle('SOKNAD', 'Søknad: Felles journal i Vestland')).toBe('Søknad: Felles journal i Vestland');
  });
});
