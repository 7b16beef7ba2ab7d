import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { EntityManager } from 'typeorm';
import { DomainError } from '../common/problem';
import { Actor } from '../identity/actor';
import { Role } from '../identity/roles';
import { AuditService } from '../audit/audit.service';

export interface TransitionRule<S extends string> {
  from: readonly S[];
  to: S;
  /** Roles that may fire the event; 'system' for jobs (deadline passed, payment due). */
  roles: readonly (Role | 'system')[];
}

/** One per stateful thing (application, decision, payment, report, appeal): its states and who may move them. */
export interface Workflow<S extends string, E extends string> {
  entityType: string;
  table: string;
  states: readonly S[];
  transitions: Record<E, TransitionRule<S>>;
}

// table and column names are written into SQL: only plain lower-case identifiers
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function defineWorkflow<S extends string, E extends string>(w: Workflow<S, E>): Workflow<S, E> {
  if (!IDENTIFIER.test(w.table)) throw new Error(`workflow ${w.entityType}: table ${w.table} is not a plain identifier`);
  for (const [event, rule] of Object.entries(w.transitions) as [string, TransitionRule<S>][]) {
    for (const s of [...rule.from, rule.to]) {
      if (!w.states.includes(s)) throw new Error(`workflow ${w.entityType}: event ${event} names unknown state ${s}`);
    }
  }
  return w;
}

export interface TransitionResult<S> {
  from: S;
  to: S;
}

/**
 * The only way a workflow state changes: checks the table and the actor's role, locks the row, writes the new
 * state, a state_transition record and an audit row, all in the caller's transaction.
 */
@Injectable()
export class WorkflowEngine {
  constructor(private readonly audit: AuditService) {}

  allowed<S extends string, E extends string>(w: Workflow<S, E>, state: S, actor: Actor | 'system'): E[] {
    return (Object.keys(w.transitions) as E[]).filter((e) => {
      const r = w.transitions[e];
      return r.from.includes(state) && (actor === 'system' ? r.roles.includes('system') : actor.roles.some((x) => r.roles.includes(x)));
    });
  }

  async transition<S extends string, E extends string>(
    manager: EntityManager,
    w: Workflow<S, E>,
    id: string,
    event: E,
    actor: Actor | 'system',
    /** `details`: what else changed, recorded in the audit row beside the state (e.g. a moved deadline, before → after). */
    opts: {
      reason?: string;
      set?: Record<string, unknown>;
      expectedFrom?: S;
      details?: { before: Record<string, unknown>; after: Record<string, unknown> };
    } = {},
  ): Promise<TransitionResult<S>> {
    const rule = w.transitions[event];
    if (!rule) throw new Error(`workflow ${w.entityType} has no event ${event}`);
    const extra = opts.set ?? {};
    for (const c of Object.keys(extra)) {
      // the state moves only by the transition table, and the row keeps its id
      if (!IDENTIFIER.test(c) || c === 'status' || c === 'id')
        throw new Error(`workflow ${w.entityType}: cannot set column ${JSON.stringify(c)} in a transition`);
    }
    const [row] = isUUID(id) ? await manager.query(`SELECT status FROM ${w.table} WHERE id = $1 FOR UPDATE`, [id]) : [];
    if (!row) throw DomainError.notFound(w.entityType, id);
    const from = row.status as S;
    if (actor !== 'system' && !actor.roles.some((r) => rule.roles.includes(r))) {
      throw DomainError.forbidden(`Your roles do not allow "${event}" on a ${w.entityType}.`);
    }
    if (!rule.from.includes(from) || (opts.expectedFrom && opts.expectedFrom !== from)) {
      throw DomainError.conflict(
        'INVALID_STATE_TRANSITION',
        `Cannot ${event.replace(/_/g, ' ')} a ${w.entityType} that is ${from.toLowerCase()}.`,
        {
          currentState: from,
          event,
        },
      );
    }
    const set = { ...extra, status: rule.to };
    const cols = Object.keys(set);
    await manager.query(`UPDATE ${w.table} SET ${cols.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE id = $1`, [
      id,
      ...cols.map((c) => set[c as keyof typeof set]),
    ]);
    const actorId = actor === 'system' ? null : actor.userId;
    await manager.query(
      `INSERT INTO state_transition (entity_type, entity_id, from_state, to_state, event, actor_user_id, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [w.entityType, id, from, rule.to, event, actorId, opts.reason ?? null],
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
