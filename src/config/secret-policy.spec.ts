import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { estimatedEntropyBits, isKnownDefaultSecret, KNOWN_DEFAULT_SECRETS, secretKeyProblem } from './secret-policy';

const root = join(__dirname, '..', '..');
// names of secrets, not of their settings (ACCESS_TOKEN_TTL_SECONDS is a number)
const SECRET_NAME = /^(?!.*(_TTL|_SECONDS|_MS|_PREFIX)).*(secret|password|passwd|_key$|hmac|token)/i;
const PLACEHOLDER = /^(…|\.\.\.|<.*>|\$.*|)$/;

/** Secret-looking values written in a file: assignments to secret-looking names, compose defaults, URL passwords, README table defaults. */
function secretValuesIn(text: string): string[] {
  const found: string[] = [];
  const add = (v: string | undefined) => {
    const value = v
      ?.trim()
      .replace(/^["'`]|["'`]$/g, '')
      .trim();
    if (value !== undefined && !PLACEHOLDER.test(value)) found.push(value);
  };
  // NAME=value, NAME: value (environment names), "name":"value" (JSON); not ${NAME:?…}, which requires the variable
  for (const m of text.matchAll(/(?:\b([A-Z][A-Z0-9_]*)\b|"([A-Za-z_]+)")[ \t]*[=:][ \t]*("[^"\n]*"|'[^'\n]*'|[^\s,}|)]+)/g)) {
    const name = m[1] ?? m[2];
    const value = m[3];
    if (SECRET_NAME.test(name) && !value.startsWith('${') && !/^[A-Z_]+$/.test(value)) add(value);
  }
  // ${NAME:-default} and ${NAME-default}
  for (const m of text.matchAll(/\$\{([A-Za-z_]+):?-([^}]*)\}/g)) if (SECRET_NAME.test(m[1])) add(m[2]);
  // scheme://user:password@host
  for (const m of text.matchAll(/[a-z]+:\/\/[^\s:/@]+:([^\s@/]+)@/g)) add(m[1]);
  // README configuration table: | `NAME` | `default` | …
  for (const m of text.matchAll(/^\| `([A-Z_]+)` \| `([^`]*)` \|/gm)) if (SECRET_NAME.test(m[1])) add(m[2]);
  return found;
}

describe('secret policy', () => {
  it('accepts generated keys and refuses short, regular or known ones', () => {
    expect(secretKeyProblem('hJ3k9vQ2mX7pL5nR8tY1wZ4cB6dF0gHsAeUoIiKjNb_-')).toBeNull(); // 48 bytes, base64url
    expect(secretKeyProblem('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08')).toBeNull(); // 32 bytes, hex
    expect(secretKeyProblem('x'.repeat(40))).toMatch(/too regular/);
    expect(secretKeyProblem('abcabcabcabcabcabcabcabcabcabcabcabc')).toMatch(/too regular/);
    expect(secretKeyProblem('9ad1d1205666644ebdb6ae5d54f933a7')).toMatch(/too regular/); // 16 random bytes written as hex
    expect(secretKeyProblem('kort')).toMatch(/at least 32 bytes/);
    expect(secretKeyProblem('change-me-to-a-long-random-secret-of-48-chars-or-more')).toMatch(/written in the repository/);
    expect(secretKeyProblem(' test-secret-that-is-long-enough-0123456789 ')).toMatch(/written in the repository/);
    expect(estimatedEntropyBits('')).toBe(0);
    expect(estimatedEntropyBits('ab')).toBe(2);
  });

  it('refuses every secret-looking value written in .env.example, docker-compose.yml and the README', () => {
    const values = ['.env.example', 'docker-compose.yml', 'README.md'].flatMap((f) =>
      secretValuesIn(readFileSync(join(root, f), 'utf8')).map((value) => ({ file: f, value })),
    );
    // the scan finds what it should (the demo password is written in .env.example and the README)
    expect(values.filter((v) => v.value === 'demo-passord-2024').length).toBeGreaterThanOrEqual(2);
    expect(values.filter((v) => !isKnownDefaultSecret(v.value))).toEqual([]);
  });

  it('finds the kinds of values it looks for', () => {
    expect(
      secretValuesIn(
        [
          'JWT_SECRET=abc',
          '  POSTGRES_PASSWORD: hto',
          'X: ${JWT_SECRET:-fallback-value}',
          'DATABASE_URL: postgres://u:pw1@db/x',
          '| `DEMO_PASSWORD` | `demo` | …',
          '{"email":"a@b.no","password":"hemmelig"}',
          'JWT_SECRET: ${JWT_SECRET:?required}',
          '# JWT_SECRET=',
        ].join('\n'),
      ).sort(),
    ).toEqual(['abc', 'demo', 'fallback-value', 'hemmelig', 'hto', 'pw1'].sort());
    expect(KNOWN_DEFAULT_SECRETS.size).toBeGreaterThan(3);
  });
});
