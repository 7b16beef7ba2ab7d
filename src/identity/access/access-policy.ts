import { EntityManager } from 'typeorm';
import { DomainError } from '../../common/problem';
import { isUuid } from '../../common/uuid';
import { Actor } from '../../common/actor';
import { Role, ROLES } from '../../common/roles';

/** Binds a value as a query parameter and returns its placeholder ($n or :name), so values never enter the SQL. */
export type Bind = (value: unknown) => string;

/**
 * One reason an actor may reach a row: a SQL condition on the row's alias. Modules refer to other modules' tables
 * only by SQL text here, so a grant can be registered from any module without importing the owner's entities.
 */
export type Grant = (row: string, actor: Actor, bind: Bind) => string;

/** Every row of the resource. */
export const EVERY_ROW: Grant = () => 'TRUE';

/** The rows an actor may reach at one level: the union of the grants its roles hold; no grant is no row. */
export class RowFilter {
  constructor(
    private readonly grants: readonly Grant[],
    private readonly actor: Actor,
  ) {}

  /** No row at all: a list may answer empty without asking the database. */
  get none(): boolean {
    return this.grants.length === 0;
  }

  /** Every row: no condition is needed. */
  get all(): boolean {
    return this.grants.includes(EVERY_ROW);
  }

  /** The condition for a WHERE clause, over the row alias `row`. */
  sql(row: string, bind: Bind): string {
    if (this.none) return 'FALSE';
    if (this.all) return 'TRUE';
    const parts = [...new Set(this.grants)].map((g) => `(${g(row, this.actor, bind)})`);
    return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
  }
}

/**
 * Why an actor who may see a row is still refused the level: a 403 with this code rather than a 404. With `when`, the
 * refusal answers only for rows the condition holds for (a member of the consortium who is not its lead, say); the
 * first that applies answers, and a visible row no refusal applies to stays a 404.
 */
export interface Refusal {
  code: string;
  message: string;
  when?: Grant;
}

/**
 * Who may reach which row of one resource, at each level of access (read, write, …), as immich's access.ts does with
 * its access repository: lists take `filter()` as a SQL condition, one object is checked with `assert()` in SQL too,
 * so both always agree. Roles hold grants; an actor holds the union of its roles' grants, so a second role widens
 * access only where it grants something itself (an applicant who is also an assessor reads no other consortium's
 * application until an assignment grants it). Higher modules add grants at start (`grant()` in `onModuleInit`).
 *
 * A row the actor may not see at `visibility` is a 404, so its existence does not leak; a row it may see but not
 * reach at the level asked is a 404 too, unless the level names a refusal (then 403 with its code).
 */
export abstract class AccessPolicy<L extends string> {
  /** The table, and the noun of the 404 ("Application not found"). */
  protected abstract readonly table: string;
  protected abstract readonly noun: string;
  /** The level that decides whether the actor knows the row exists. */
  protected abstract readonly visibility: L;
  protected readonly refusals: Partial<Record<L, Refusal | readonly Refusal[]>> = {};
  private readonly grants = new Map<L, Map<Role, Grant[]>>();

  /** Grants `roles` the rows `grant` selects at `levels` (in addition to whatever they hold already). */
  grant(levels: L | readonly L[], roles: Role | readonly Role[] | '*', grant: Grant): this {
    for (const level of typeof levels === 'string' ? [levels] : levels) {
      const byRole = this.grants.get(level) ?? new Map<Role, Grant[]>();
      for (const r of roles === '*' ? ROLES : typeof roles === 'string' ? [roles] : roles) byRole.set(r, [...(byRole.get(r) ?? []), grant]);
      this.grants.set(level, byRole);
    }
    return this;
  }

  filter(actor: Actor, level: L): RowFilter {
    const byRole = this.grants.get(level);
    return new RowFilter(
      actor.roles.flatMap((r) => byRole?.get(r) ?? []),
      actor,
    );
  }

  /**
   * Throws 404 (or the level's 403) unless the actor may reach the row at `level`. With `lock`, the row stays locked
   * FOR UPDATE until the caller's transaction ends, so what is read next cannot change under it.
   */
  async assert(m: EntityManager, actor: Actor, id: string, level: L, opts: { lock?: boolean } = {}): Promise<void> {
    const found = await this.check(m, actor, id, level, opts.lock ?? false);
    if (found === 'allowed') return;
    if (found === 'visible') {
      const refusal = await this.refusalFor(m, actor, id, level);
      if (refusal) throw DomainError.forbidden(refusal.message, refusal.code);
    }
    throw DomainError.notFound(this.noun, id);
  }

  /** Whether the actor may reach the row at `level` (no 404 for a row it cannot see: simply false). */
  async allows(m: EntityManager, actor: Actor, id: string, level: L): Promise<boolean> {
    return (await this.check(m, actor, id, level, false)) === 'allowed';
  }

  private async refusalFor(m: EntityManager, actor: Actor, id: string, level: L): Promise<Refusal | undefined> {
    const given = this.refusals[level];
    for (const refusal of given === undefined ? [] : Array.isArray(given) ? given : [given as Refusal]) {
      if (!refusal.when) return refusal;
      const params: unknown[] = [id];
      const bind: Bind = (v) => {
        params.push(v);
        return `$${params.length}`;
      };
      const [row]: Array<{ holds: boolean }> = await m.query(
        `SELECT ${refusal.when('r', actor, bind)} AS holds FROM ${this.table} r WHERE r.id = $1`,
        params,
      );
      if (row?.holds) return refusal;
    }
    return undefined;
  }

  private async check(m: EntityManager, actor: Actor, id: string, level: L, lock: boolean): Promise<'allowed' | 'visible' | 'unknown'> {
    if (!isUuid(id)) return 'unknown';
    const wanted = this.filter(actor, level);
    const seen = this.filter(actor, this.visibility);
    if (wanted.none && seen.none && !lock) return 'unknown';
    const params: unknown[] = [id];
    const bind: Bind = (v) => {
      params.push(v);
      return `$${params.length}`;
    };
    const rows: Array<{ allowed: boolean; visible: boolean }> = await m.query(
      `SELECT ${wanted.sql('r', bind)} AS allowed, ${seen.sql('r', bind)} AS visible
         FROM ${this.table} r WHERE r.id = $1${lock ? ' FOR UPDATE OF r' : ''}`,
      params,
    );
    if (!rows.length) return 'unknown';
    return rows[0].allowed ? 'allowed' : rows[0].visible ? 'visible' : 'unknown';
  }
}
