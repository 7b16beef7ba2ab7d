import { Role } from './roles';

/** Who is acting: a signed-in user, or a script holding one of a user's API tokens. */
export interface Actor {
  userId: string;
  email: string;
  roles: Role[];
  /** Organisations the user acts for (applicants); consortia of these are theirs. */
  organisationIds: string[];
  via: 'session' | 'api-token';
  tokenId?: string;
  /** Scopes of an API token; a session has none (its roles decide). */
  scopes?: string[];
}
