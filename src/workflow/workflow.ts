import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DomainError } from '../common/problem';
import { WorkflowErrors as E } from './workflow.errors';
import { isUuid } from '../common/uuid';
import { Actor } from '../common/actor';
import { Role } from '../common/roles';
import { CommonErrors } from '../common/common.errors';

export interface TransitionRule<S extends string, E extends string = string> {
  from: readonly S[];
  to: S;
  /** Roles that may fire the event; 'system' for jobs (deadline passed, payment due). */
  roles: readonly (Role | 'system')[];
  /**
   * Separation of duties: no one who fired one of these events on this object may fire this one (an approval by
   * someone other than the proposer, a payment approved by someone other than who attested it). Every earlier
   * firing counts, not only the latest. The system is no person and is not ruled out by it.
   */
  notBy?: readonly E[];
  /** Further conditions, checked under the row lock after the role, the state and `notBy`. */
  guards?: readonly TransitionGuard<S, E>[];
}

/** One per stateful thing (application, decision, payment, report, appeal): its states and who may move them. */
export interface Workflow<S extends string, E extends string> {
  entityType: string;
  /** The table holds `id uuid`, `status text` (a CHECK lists the states) and `updated_at timestamptz`. */
  table: string;
  states: readonly S[];
  // E is inferred from the keys only, so a `notBy` naming an event the table lacks is a type error
  transitions: Record<E, TransitionRule<S, NoInfer<E>>>;
}

/** One row of `state_transition`: an event fired on an object. */
export interface TransitionRecord<S extends string = string, E extends string = string> {
  id: string;
  from: S;
  to: S;
  event: E;
  /** null: the system (a job) fired it. */
  actorUserId: string | null;
  reason: string | null;
  occurredAt: Date;
}

/** Why a transition is refused: rendered as problem details with this status and code. */
export interface GuardFailure {
  status: 403 | 409 | 422;
  code: string;
  detail: string;
}

export interface GuardContext<S extends string, E extends string> {
  manager: EntityManager;
  workflow: Workflow<S, E>;
  id: string;
  event: E;
  from: S;
  actor: Actor | 'system';
  /** The object's transitions so far, oldest first, read under the row lock. */
  history: readonly TransitionRecord<S, E>[];
}

/** A condition on a transition beyond role and state (e.g. "the grant has a signed acceptance"). */
export interface TransitionGuard<S extends string = string, E extends string = string> {
  /** What it checks, for messages and for a reader of the transition table. */
  name: string;
  check(ctx: GuardContext<S, E>): GuardFailure | undefined | Promise<GuardFailure | undefined>;
}

// table and column names are written into SQL: only plain lower-case identifiers
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
// written by the engine only: the state moves by the transition table, the row keeps its id
const ENGINE_COLUMNS = new Set(['id', 'status']);

export function defineWorkflow<S extends string, E extends string>(w: Workflow<S, E>): Workflow<S, E> {
  const fail = (msg: string) => {
    throw new Error(`workflow ${w.entityType}: ${msg}`);
  };
  if (!IDENTIFIER.test(w.table)) fail(`table ${w.table} is not a plain identifier`);
  if (new Set(w.states).size !== w.states.length) fail('a state is listed twice');
  const events = Object.keys(w.transitions);
  for (const [event, rule] of Object.entries(w.transitions) as [string, TransitionRule<S, E>][]) {
    if (!rule.from.length) fail(`event ${event} has no state to start from`);
    if (!rule.roles.length) fail(`event ${event} names no role that may fire it`);
    for (const s of [...rule.from, rule.to]) {
      if (!w.states.includes(s)) fail(`event ${event} names unknown state ${s}`);
    }
    for (const other of rule.notBy ?? []) {
      if (!events.includes(other)) fail(`event ${event} is kept apart from unknown event ${other}`);
    }
  }
  return w;
}

/** Whether the actor holds one of the rule's roles ('system' only where the rule names it). */
function roleAllows(rule: TransitionRule<string>, actor: Actor | 'system'): boolean {
  return actor === 'system' ? rule.roles.includes('system') : actor.roles.some((r) => rule.roles.includes(r));
}

/**
 * The pure part of a transition check, in the order the engine applies it: role (403 FORBIDDEN), state
 * (409 INVALID_STATE_TRANSITION), separation of duties against the object's history (403 SEPARATION_OF_DUTIES).
 * Custom guards are not part of it (they may need the database). `undefined`: allowed so far.
 */
export function checkTransition<S extends string, E extends string>(
  w: Workflow<S, E>,
  event: E,
  state: S,
  actor: Actor | 'system',
  opts: { history?: readonly TransitionRecord<S, E>[]; expectedFrom?: S } = {},
): GuardFailure | undefined {
  const rule = w.transitions[event];
  if (!rule) throw new Error(`workflow ${w.entityType} has no event ${event}`);
  if (!roleAllows(rule, actor))
    return { status: 403, code: CommonErrors.FORBIDDEN, detail: `Your roles do not allow "${event}" on a ${w.entityType}.` };
  if (!rule.from.includes(state) || (opts.expectedFrom !== undefined && opts.expectedFrom !== state)) {
    return {
      status: 409,
      code: E.INVALID_STATE_TRANSITION,
      detail: `Cannot ${event.replace(/_/g, ' ')} a ${w.entityType} that is ${state.toLowerCase()}.`,
    };
  }
  const history = opts.history ?? [];
  if (rule.notBy?.length && actor !== 'system') {
    const earlier = history.find((h) => h.actorUserId === actor.userId && rule.notBy!.includes(h.event));
    if (earlier) {
      return {
        status: 403,
        code: E.SEPARATION_OF_DUTIES,
        detail: `You cannot ${event.replace(/_/g, ' ')} a ${w.entityType} on which you did "${earlier.event}": someone else must.`,
      };
    }
  }
  return undefined;
}

/**
 * The events the actor may fire from this state. With the object's history, events that separation of duties
 * rules out for this actor are left out too; custom guards are not evaluated (the transition still checks them).
 */
export function allowedEvents<S extends string, E extends string>(
  w: Workflow<S, E>,
  state: S,
  actor: Actor | 'system',
  history: readonly TransitionRecord<S, E>[] = [],
): E[] {
  return (Object.keys(w.transitions) as E[]).filter((e) => !checkTransition(w, e, state, actor, { history }));
}

export interface TransitionResult<S> {
  from: S;
  to: S;
}

interface TransitionRow {
  id: string;
  from_state: string;
  to_state: string;
  event: string;
  actor_user_id: string | null;
  reason: string | null;
  occurred_at: Date | string;
}

/**
 * The only way a workflow state changes: checks the table, the actor's role and the transition's guards, locks the
 * row, writes the new state and `updated_at`, a state_transition record and an audit row, all in the caller's
 * transaction, all at one instant from the Clock.
 */
@Injectable()
export class WorkflowEngine {
  constructor(
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly dataSource: DataSource,
  ) {}

  allowed<S extends string, E extends string>(
    w: Workflow<S, E>,
    state: S,
    actor: Actor | 'system',
    history: readonly TransitionRecord<S, E>[] = [],
  ): E[] {
    return allowedEvents(w, state, actor, history);
  }

  /** The object's transitions, oldest first (within one object the row lock orders them, so the id does too). */
  async history<S extends string, E extends string>(
    w: Workflow<S, E>,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<TransitionRecord<S, E>[]> {
    if (!isUuid(id)) return [];
    const rows: TransitionRow[] = await manager.query(
      `SELECT st.id::text AS id, st.from_state, st.to_state, st.event, st.actor_user_id, st.reason, st.occurred_at
         FROM state_transition st WHERE st.entity_type = $1 AND st.entity_id = $2 ORDER BY st.id`,
      [w.entityType, id],
    );
    // the states and events were the workflow's when they were written (a renamed event keeps its old name here)
    return rows.map((r) => ({
      id: r.id,
      from: r.from_state as S,
      to: r.to_state as S,
      event: r.event as E,
      actorUserId: r.actor_user_id,
      reason: r.reason,
      occurredAt: new Date(r.occurred_at),
    }));
  }

  async transition<S extends string, E extends string>(
    manager: EntityManager,
    w: Workflow<S, E>,
    id: string,
    event: E,
    actor: Actor | 'system',
    /**
     * `set`: other columns written with the state. `at`: the instant of the transition (default: the Clock's now);
     * it is written to `updated_at` unless `set` names its own. `details`: what else changed, recorded in the audit
     * row beside the state (e.g. a moved deadline, before → after).
     */
    opts: {
      reason?: string;
      set?: Record<string, unknown>;
      expectedFrom?: S;
      at?: Date;
      details?: { before: Record<string, unknown>; after: Record<string, unknown> };
    } = {},
  ): Promise<TransitionResult<S>> {
    const rule = w.transitions[event];
    if (!rule) throw new Error(`workflow ${w.entityType} has no event ${event}`);
    const extra = opts.set ?? {};
    for (const c of Object.keys(extra)) {
      if (!IDENTIFIER.test(c) || ENGINE_COLUMNS.has(c)) {
        throw new Error(`workflow ${w.entityType}: cannot set column ${JSON.stringify(c)} in a transition`);
      }
    }
    const [row] = isUuid(id) ? await manager.query(`SELECT status FROM ${w.table} WHERE id = $1 FOR UPDATE`, [id]) : [];
    if (!row) throw DomainError.notFound(w.entityType, id);
    const from = row.status as S;
    const needsHistory = !!rule.notBy?.length || !!rule.guards?.length;
    const history = needsHistory ? await this.history(w, id, manager) : [];
    const refused = checkTransition(w, event, from, actor, { history, expectedFrom: opts.expectedFrom });
    if (refused) throw refusal(refused, event, from);
    for (const guard of rule.guards ?? []) {
      const failed = await guard.check({ manager, workflow: w, id, event, from, actor, history });
      if (failed) throw refusal(failed, event, from);
    }

    const at = opts.at ?? this.clock.now();
    const set = { updated_at: at.toISOString(), ...extra, status: rule.to };
    const cols = Object.keys(set);
    await manager.query(`UPDATE ${w.table} SET ${cols.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE id = $1`, [
      id,
      ...cols.map((c) => set[c as keyof typeof set]),
    ]);
    const actorId = actor === 'system' ? null : actor.userId;
    await manager.query(
      `INSERT INTO state_transition (entity_type, entity_id, from_state, to_state, event, actor_user_id, reason, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [w.entityType, id, from, rule.to, event, actorId, opts.reason ?? null, at.toISOString()],
    );
    await this.audit.record(manager, {
      action: `${w.entityType}.${event}`,
      entityType: w.entityType,
      entityId: id,
      before: { status: from, ...opts.details?.before },
      after: { status: rule.to, ...opts.details?.after, ...(opts.reason ? { reason: opts.reason } : {}) },
      actor: actor === 'system' ? null : actor,
      actorLabel: actor === 'system' ? 'system' : undefined,
    });
    return { from, to: rule.to };
  }
}

function refusal(f: GuardFailure, event: string, from: string): DomainError {
  // a state conflict says where the object is; a refusal of the person says nothing more than why
  const extra = f.status === 409 ? { currentState: from, event } : {};
  return new DomainError(f.status, f.code, f.detail, undefined, extra);
}
