import { createHash, randomBytes } from 'node:crypto';

export const API_TOKEN_PREFIX = 'hto_pat_';
export const REFRESH_TOKEN_PREFIX = 'hto_rt_';

/** 256 random bits behind a recognisable prefix (secret scanners and people can tell what leaked). */
export function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** These secrets are random, not chosen by people, so one fast hash is enough to keep the stored form useless. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
