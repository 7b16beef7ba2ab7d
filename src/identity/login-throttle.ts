import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../common/problem';
import { IdentityErrors as E } from './identity.errors';

/**
 * Failed logins allowed per account and per client address within the window. The address limit is higher:
 * offices share one public address. A success clears the account's count, never the address's (one valid
 * account must not unlock guessing at others).
 */
export const LOGIN_LIMITS = { perAccount: 5, perAddress: 20, windowSeconds: 15 * 60 } as const;

// advisory lock keys (two-int form, apart from the audit chain's one-bigint key): one space for accounts, one for addresses
const ACCOUNT_LOCKS = 7310002;
const ADDRESS_LOCKS = 7310003;

export class LoginRateLimited extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      429,
      E.RATE_LIMITED,
      `Too many failed sign-in attempts. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`,
      undefined,
      { retryAfter: retryAfterSeconds },
    );
  }
}

/**
 * Counts sign-in attempts in the database, so every API process sees the same count. An attempt is counted as
 * failed before its password is checked, and the count is cleared again when it succeeds: guesses sent all at
 * once are limited exactly like guesses sent one after another.
 */
@Injectable()
export class LoginThrottle {
  constructor(private readonly dataSource: DataSource) {}

  /** Lets the attempt through and counts it, or refuses it (429) without counting it, so refusals do not extend the lock. */
  async admit(email: string, clientAddress: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      // checking and counting are one step per account and per address; always account first, so no two attempts wait in a circle
      await m.query(`SELECT pg_advisory_xact_lock($1::int, hashtext($2))`, [ACCOUNT_LOCKS, email]);
      await m.query(`SELECT pg_advisory_xact_lock($1::int, hashtext($2))`, [ADDRESS_LOCKS, clientAddress]);
      const [row]: Array<{ retry_after: number | null }> = await m.query(
        `SELECT GREATEST(
                  (SELECT EXTRACT(EPOCH FROM occurred_at + make_interval(secs => $3::int) - now()) FROM failed_login
                    WHERE email = $1 AND occurred_at > now() - make_interval(secs => $3::int)
                    ORDER BY occurred_at DESC OFFSET $4::int - 1 LIMIT 1),
                  (SELECT EXTRACT(EPOCH FROM occurred_at + make_interval(secs => $3::int) - now()) FROM failed_login
                    WHERE client_address = $2 AND occurred_at > now() - make_interval(secs => $3::int)
                    ORDER BY occurred_at DESC OFFSET $5::int - 1 LIMIT 1)
                )::float8 AS retry_after`,
        [email, clientAddress, LOGIN_LIMITS.windowSeconds, LOGIN_LIMITS.perAccount, LOGIN_LIMITS.perAddress],
      );
      // the limit-th most recent failure: once it leaves the window, the count is under the limit again
      if (row?.retry_after != null) throw new LoginRateLimited(Math.max(1, Math.ceil(Number(row.retry_after))));
      await m.query(`INSERT INTO failed_login (email, client_address) VALUES ($1, $2)`, [email, clientAddress]);
      // old rows only ever matter inside the window; the index on occurred_at makes this a no-op most of the time
      await m.query(`DELETE FROM failed_login WHERE occurred_at < now() - make_interval(secs => $1::int)`, [
        LOGIN_LIMITS.windowSeconds * 4,
      ]);
    });
  }

  async clearAccount(m: EntityManager, email: string): Promise<void> {
    await m.query(`DELETE FROM failed_login WHERE email = $1`, [email]);
  }
}
