import { isBankAccount, isOrganisationNumber, normaliseAccount } from './norwegian-ids';

describe('MOD11 check digits', () => {
  it('accepts real organisation numbers and refuses a changed digit', () => {
    // Helsedirektoratet, Brønnøysundregistrene, Bergen kommune, Oslo kommune
    for (const n of ['983544622', '974760673', '964338531', '974778742']) expect(isOrganisationNumber(n)).toBe(true);
    expect(isOrganisationNumber('983544623')).toBe(false);
    expect(isOrganisationNumber('98354462')).toBe(false);
    expect(isOrganisationNumber('98354462a')).toBe(false);
    expect(isOrganisationNumber('983 544 622')).toBe(false);
  });

  it('computes the check digit by hand for an account number', () => {
    // 1234.56.7890x: 1·5 + 2·4 + 3·3 + 4·2 + 5·7 + 6·6 + 7·5 + 8·4 + 9·3 + 0·2 = 195; 195 mod 11 = 8; 11 − 8 = 3
    expect(isBankAccount('12345678903')).toBe(true);
    expect(isBankAccount('12345678904')).toBe(false);
    expect(isBankAccount(normaliseAccount('1234.56.78903'))).toBe(true);
    expect(isBankAccount(normaliseAccount('1234 56 78903'))).toBe(true);
    expect(isBankAccount('1234567890')).toBe(false);
  });

  it('takes a remainder of 0 as check digit 0, and refuses numbers whose check digit would be 10', () => {
    // 0000000001x: 1·2 = 2 → 11 − 2 = 9
    expect(isBankAccount('00000000019')).toBe(true);
    // 0000000000x: sum 0 → check digit 0
    expect(isBankAccount('00000000000')).toBe(true);
    // 00000000100: 1·3 = 3 → 11 − 3 = 8 ≠ 0; and a sum with remainder 1 (check 10) is never valid
    expect(isBankAccount('00000000100')).toBe(false);
    // 0000000005x: 5·2 = 10 → remainder 10 → 11 − 10 = 1
    expect(isBankAccount('00000000051')).toBe(true);
    // 0000000006x: 6·2 = 12 → remainder 1 → check 10: no valid number
    for (let d = 0; d <= 9; d++) expect(isBankAccount(`0000000006${d}`)).toBe(false);
  });
});
