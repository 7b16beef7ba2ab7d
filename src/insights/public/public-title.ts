/**
 * The title a journal entry shows in the public journal when no officer has exempted it. Titles are written by the
 * system, but a few carry what the public journal must never show: the name of the person who accepted a grant
 * (AKSEPT), an officer's free-text reason (FAGLIG_VURDERING reopened, RAPPORTFRIST) and an uploaded file's name
 * (KLAGE_VEDLEGG); those parts are cut here. Any e-mail address left in a title is masked as well. An officer
 * exempts the rest (offentleglova) through the exemption route, which replaces or hides the title.
 */
const SCREENED: Record<string, (title: string) => string> = {
  // "Aksept av tilsagn, elektronisk (Kari Nordmann, Kommunedirektør)": the signatory's name and position
  AKSEPT: (t) => t.replace(/\s*\([^()]*\)\s*$/, ''),
  // "Utsatt frist for …: 2027-03-01 → 2027-04-01 (reason)": the officer's reason
  RAPPORTFRIST: (t) => t.replace(/\s*\([\s\S]*\)\s*$/, ''),
  // "Faglig vurdering gjenåpnet: reason"
  FAGLIG_VURDERING: (t) => t.replace(/:[\s\S]*$/, ''),
  // "Vedlegg til klage: file name"
  KLAGE_VEDLEGG: () => 'Vedlegg til klage',
};

/** Noark's mark for screened words (skjermet). */
export const SCREENED_MARK = '*****';

const EMAIL = /[^\s@()<>,;:]+@[^\s@()<>,;:]+/g;

export function publicTitle(documentType: string, title: string): string {
  const screen = SCREENED[documentType];
  return (screen ? screen(title) : title).replace(EMAIL, SCREENED_MARK);
}
