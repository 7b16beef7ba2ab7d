import * as argon2 from 'argon2';

// OWASP's argon2id baseline (19 MiB, 2 passes): strong enough, and fast enough for a login endpoint
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 12;
// argon2 accepts any length; a cap keeps one request from buying minutes of hashing
export const PASSWORD_MAX_LENGTH = 256;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

let dummy: Promise<string> | undefined;

/** The throwaway hash for unknown emails; computed once, ideally at start so the first probe is not slower. */
export function dummyHash(): Promise<string> {
  return (dummy ??= hashPassword(`no-such-user-${Math.random()}`));
}

/**
 * Checks a password against a stored hash, or against a throwaway hash when there is none, so an unknown
 * email costs the same time as a wrong password and the answer does not tell which it was.
 */
export async function verifyPassword(hash: string | null | undefined, password: string): Promise<boolean> {
  const target = hash ?? (await dummyHash());
  const ok = await argon2.verify(target, password).catch(() => false);
  return ok && !!hash;
}
