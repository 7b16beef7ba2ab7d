import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../common/problem';
import { IdentityErrors as E } from './identity.errors';
import {
  accountFailures,
  clearFailedLogins,
  failureWindowWaits,
  lockLoginAttempt,
  purgeFailedLogins,
  recordFailedLogin,
} from './identity.queries';

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
      await lockLoginAttempt(m, { account: ACCOUNT_LOCKS, address: ADDRESS_LOCKS }, email, clientAddress);
      // the limit-th most recent failure: once it leaves the window, the count is under the limit again
      const windowed = await failureWindowWaits(m, {
        email,
        clientAddress,
        windowSeconds: LOGIN_LIMITS.windowSeconds,
        perPair: LOGIN_LIMITS.perAccountAndAddress,
        perAddress: LOGIN_LIMITS.perAddress,
      });
      const waits = [windowed.pair, windowed.address].filter((x): x is number => x != null);
      const account = await accountFailures(m, {
        email,
        clientAddress,
        windowSeconds: LOGIN_LIMITS.account.windowSeconds,
        knownAddressDays: LOGIN_LIMITS.account.knownAddressDays,
      });
      const delay = accountDelaySeconds(account.failures);
      if (delay > 0 && !account.known && account.sinceLast != null) waits.push(delay - account.sinceLast);
      const wait = Math.max(0, ...waits);
      if (wait > 0) throw new LoginRateLimited(Math.max(1, Math.ceil(wait)));
      await recordFailedLogin(m, email, clientAddress);
      // old rows only ever matter inside the longest window
      await purgeFailedLogins(m, LOGIN_LIMITS.account.windowSeconds);
    });
  }

  async clearAccount(m: EntityManager, email: string): Promise<void> {
    await clearFailedLogins(m, email);
  }
}
