/**
 * What production accepts as a secret key (JWT_SECRET, AUDIT_HMAC_KEY) and which values it refuses anywhere a secret goes.
 *
 * A key must be at least 32 bytes long and carry at least 128 bits by a cautious estimate: its length times the Shannon
 * entropy of its own characters (a random base64 or hex string of 32 bytes scores about 190–250 bits; `x` repeated, a
 * word repeated, or 16 bytes written as 32 hex digits score under 128). The estimate cannot see that a long, varied
 * sentence is guessable, so it is a floor, not a proof: generate keys (`openssl rand -base64 48`).
 */
export const MIN_SECRET_BYTES = 32;
export const MIN_SECRET_BITS = 128;

/**
 * Every secret value written anywhere in the repository (.env.example, docker-compose.yml, README, tests, bench): anyone who
 * can read the repository knows them, so production refuses each of them wherever a secret goes. A test scans those files
 * and fails if a secret-looking value written there is missing here.
 */
export const KNOWN_DEFAULT_SECRETS: ReadonlySet<string> = new Set([
  // docker-compose.yml's JWT_SECRET fallback until it required the variable
  'change-me-to-a-long-random-secret-of-48-chars-or-more',
  // the demo users' password (DEMO_PASSWORD's default, README)
  'demo-passord-2024',
  // docker-compose.yml's database user and password until it required POSTGRES_PASSWORD
  'hto',
  // the test suite's and the benchmark's keys
  'test-secret-that-is-long-enough-0123456789',
  'bench-secret-that-is-long-enough-0123456789',
  'test-audit-key-that-is-long-enough-0123456789',
  'bench-audit-key-that-is-long-enough-0123456789',
  // examples in the README and in tests
  'pass',
  'et-langt-passord-123',
  'Et-langt-passord-123',
]);

export function isKnownDefaultSecret(value: string): boolean {
  return KNOWN_DEFAULT_SECRETS.has(value.trim());
}

/** Length in characters times the Shannon entropy of the character distribution of the value itself, in bits. */
export function estimatedEntropyBits(value: string): number {
  const chars = [...value];
  if (!chars.length) return 0;
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) {
    const p = n / chars.length;
    perChar -= p * Math.log2(p);
  }
  return perChar * chars.length;
}

/** Why a value is not acceptable as a production key, or null when it is. */
export function secretKeyProblem(value: string): string | null {
  if (isKnownDefaultSecret(value)) return 'is a value written in the repository, which anyone can read; generate a new one';
  if (Buffer.byteLength(value, 'utf8') < MIN_SECRET_BYTES) return `must be at least ${MIN_SECRET_BYTES} bytes`;
  const bits = estimatedEntropyBits(value);
  if (bits < MIN_SECRET_BITS)
    return `looks too regular to be random (about ${Math.floor(bits)} bits, at least ${MIN_SECRET_BITS} needed); generate one with openssl rand -base64 48`;
  return null;
}
