import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../common/problem';
import { IdentityErrors as E } from './identity.errors';

/**
 * Three limits, so that guessing stays slow while nobody who merely knows an address can keep its owner out:
 *
 * - per account and address: `perAccountAndAddress` failures within the window, then that pair waits;
 * - per address: `perAddress` failures within the window, across accounts (offices share one public address);
 * - per account, from every address together: the first `account.freeFailures` consecutive failures cost nothing; from
 *   then on each attempt waits a delay after the previous failure that doubles per failure (30 s, 1 min, 2 min …) up to
 *   `account.maxDelaySeconds`. There is no hard lock: at the longest delay an account can be guessed at about
 *   100 times a day, the number NIST SP 800-63B (5.2.2) allows before a lock-out, and the owner is refused only for
 *   the delay after the attacker's last guess. Addresses from which the account signed in with its password in the
 *   last `account.knownAddressDays` days skip this delay (800-63B's "addresses the subscriber authenticated from
 *   before"): there the owner is limited only by the first two rules.
 *
 * A success clears the account's failures, never the address's (one valid account must not unlock guessing at others).
 */
export const LOGIN_LIMITS = {
  perAccountAndAddress: 5,
  perAddress: 20,
  windowSeconds: 15 * 60,
  account: { freeFailures: 10, firstDelaySeconds: 30, maxDelaySeconds: 15 * 60, windowSeconds: 24 * 3600, knownAddressDays: 30 },
} as const;

/** Seconds an attempt on an account with `failures` consecutive failures must wait after the last one (from an unknown address). */
export function accountDelaySeconds(failures: number): number {
  const { freeFailures, firstDelaySeconds, maxDelaySeconds } = LOGIN_LIMITS.account;
  if (failures < freeFailures) return 0;
  return Math.min(maxDelaySeconds, firstDelaySeconds * 2 ** Math.min(failures - freeFailures, 30));
}

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
      // clock_timestamp(), not now(): now() is when the transaction began, before it waited for the locks below
      // checking and counting are one step per account and per address; always account first, so no two attempts wait in a circle
      await m.query(`SELECT pg_advisory_xact_lock($1::int, hashtext($2))`, [ACCOUNT_LOCKS, email]);
      await m.query(`SELECT pg_advisory_xact_lock($1::int, hashtext($2))`, [ADDRESS_LOCKS, clientAddress]);
      // the limit-th most recent failure: once it leaves the window, the count is under the limit again
      const [windowed]: Array<{ pair: number | null; address: number | null }> = await m.query(
        `SELECT (SELECT EXTRACT(EPOCH FROM occurred_at + make_interval(secs => $3::int) - clock_timestamp()) FROM failed_login
                  WHERE email = $1 AND client_address = $2 AND occurred_at > clock_timestamp() - make_interval(secs => $3::int)
                  ORDER BY occurred_at DESC OFFSET $4::int - 1 LIMIT 1)::float8 AS pair,
                (SELECT EXTRACT(EPOCH FROM occurred_at + make_interval(secs => $3::int) - clock_timestamp()) FROM failed_login
                  WHERE client_address = $2 AND occurred_at > clock_timestamp() - make_interval(secs => $3::int)
                  ORDER BY occurred_at DESC OFFSET $5::int - 1 LIMIT 1)::float8 AS address`,
        [email, clientAddress, LOGIN_LIMITS.windowSeconds, LOGIN_LIMITS.perAccountAndAddress, LOGIN_LIMITS.perAddress],
      );
      const waits = [windowed?.pair, windowed?.address].filter((x): x is number => x != null).map(Number);
      const [account]: Array<{ failures: number; since_last: number | null; known: boolean }> = await m.query(
        `SELECT count(*)::int AS failures, EXTRACT(EPOCH FROM clock_timestamp() - max(occurred_at))::float8 AS since_last,
                EXISTS (SELECT 1 FROM auth_session s JOIN app_user u ON u.id = s.user_id
                         WHERE u.email = $1 AND s.client_address = $2 AND s.method = 'password'
                           AND s.created_at > clock_timestamp() - make_interval(days => $4::int)) AS known
           FROM failed_login WHERE email = $1 AND occurred_at > clock_timestamp() - make_interval(secs => $3::int)`,
        [email, clientAddress, LOGIN_LIMITS.account.windowSeconds, LOGIN_LIMITS.account.knownAddressDays],
      );
      const delay = accountDelaySeconds(account.failures);
      if (delay > 0 && !account.known && account.since_last != null) waits.push(delay - Number(account.since_last));
      const wait = Math.max(0, ...waits);
      if (wait > 0) throw new LoginRateLimited(Math.max(1, Math.ceil(wait)));
      await m.query(`INSERT INTO failed_login (email, client_address, occurred_at) VALUES ($1, $2, clock_timestamp())`, [
        email,
        clientAddress,
      ]);
      // old rows only ever matter inside the longest window; the index on occurred_at makes this a no-op most of the time
      await m.query(`DELETE FROM failed_login WHERE occurred_at < clock_timestamp() - make_interval(secs => $1::int)`, [
        LOGIN_LIMITS.account.windowSeconds,
      ]);
    });
  }

  async clearAccount(m: EntityManager, email: string): Promise<void> {
    await m.query(`DELETE FROM failed_login WHERE email = $1`, [email]);
  }
}
