import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_CALL_IDS } from '../src/calls/demo-seed';
import { defineWorkflow, GuardFailure, Workflow, WorkflowEngine } from '../src/workflow/workflow';
import { createTestApp, TestApp } from './support/app';
import { createCall, setClock } from './support/fixtures';
import { Actor } from '../src/common/actor';

const HOUR_MS = 3600_000;

/** Every workflow the code defines: the exports of each `src/**\/*.workflow.ts` that are transition tables. */
function allWorkflows(): Workflow<string, string>[] {
  const root = join(__dirname, '..', 'src');
  const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.workflow.ts'));
  const found = files.flatMap((f) =>
    Object.values(require(join(root, f)) as Record<string, unknown>).filter(
      (v): v is Workflow<string, string> => !!v && typeof v === 'object' && 'transitions' in v && 'states' in v && 'table' in v,
    ),
  );
  return found;
}

describe('workflow engine: updated_at, guards, history, and the states the database allows', () => {
  let t: TestApp;
  let engine: WorkflowEngine;
  beforeAll(async () => {
    t = await createTestApp();
    engine = t.app.get(WorkflowEngine);
  });
  afterAll(() => t.close());

  const person = (role: 'officer' | 'approver', userId = t.userIds[role]): Actor => ({
    userId,
    email: `${role}@demo.local`,
    roles: [role],
    organisationIds: [],
    via: 'session',
  });

  describe('updated_at is the transition time, set by the engine', () => {
    const row = async (id: string) =>
      (
        await t.dataSource.query(
          `SELECT c.updated_at, c.published_at,
                  (SELECT max(occurred_at) FROM state_transition st WHERE st.entity_id = c.id) AS last_transition
             FROM call c WHERE c.id = $1`,
          [id],
        )
      )[0] as { updated_at: Date; published_at: Date | null; last_transition: Date };

    it('when an officer publishes a call and then closes it early', async () => {
      const draft = await createCall(t, {}, { publish: false });
      const publishAt = new Date(Date.now() + HOUR_MS);
      let restore = setClock(t, publishAt);
      try {
        const res = await t.http().post(`/api/v1/calls/${draft.id}/publish`).set(t.auth('officer')).expect(200);
        expect(res.body).toMatchObject({ status: 'PUBLISHED', publishedAt: publishAt.toISOString(), updatedAt: publishAt.toISOString() });
      } finally {
        restore();
      }
      expect(await row(draft.id)).toEqual({ updated_at: publishAt, published_at: publishAt, last_transition: publishAt });

      const closeAt = new Date(Date.now() + 2 * HOUR_MS);
      restore = setClock(t, closeAt);
      try {
        const res = await t
          .http()
          .post(`/api/v1/calls/${draft.id}/close`)
          .set(t.auth('officer'))
          .send({ reason: 'Budsjettet er brukt opp' })
          .expect(200);
        expect(res.body).toMatchObject({ status: 'CLOSED', updatedAt: closeAt.toISOString() });
      } finally {
        restore();
      }
      expect(await row(draft.id)).toEqual({ updated_at: closeAt, published_at: publishAt, last_transition: closeAt });
    });

    it('when the demo seed publishes its calls', async () => {
      for (const id of Object.values(DEMO_CALL_IDS)) {
        const r = await row(id);
        expect(r.published_at).not.toBeNull();
        expect(r).toEqual({ updated_at: r.published_at, published_at: r.published_at, last_transition: r.published_at });
      }
    });
  });

  describe('guards and history, on a table of its own', () => {
    const states = ['DRAFT', 'ATTESTED', 'APPROVED', 'CANCELLED'] as const;
    const LIMIT_ORE = 1_000_000_00;
    const overLimit: GuardFailure = { status: 409, code: 'OVER_LIMIT', detail: 'The amount is over what one approval may cover.' };
    const Payment = defineWorkflow({
      entityType: 'wf_payment',
      table: 'wf_payment',
      states,
      transitions: {
        attest: { from: ['DRAFT'], to: 'ATTESTED', roles: ['officer'] },
        approve: {
          from: ['ATTESTED'],
          to: 'APPROVED',
          roles: ['officer', 'approver'],
          notBy: ['attest'],
          guards: [
            {
              name: 'the amount is within the approval limit',
              async check({ manager, id }) {
                const [p] = await manager.query(`SELECT amount_ore::text AS amount FROM wf_payment WHERE id = $1`, [id]);
                return Number(p.amount) > LIMIT_ORE ? overLimit : undefined;
              },
            },
          ],
        },
        cancel: { from: ['DRAFT', 'ATTESTED'], to: 'CANCELLED', roles: ['officer'] },
      },
    });
    beforeAll(async () => {
      await t.dataSource.query(
        `CREATE TABLE wf_payment (
           id uuid PRIMARY KEY,
           status text NOT NULL CHECK (status IN ('DRAFT','ATTESTED','APPROVED','CANCELLED')),
           amount_ore bigint NOT NULL,
           updated_at timestamptz NOT NULL DEFAULT '2000-01-01T00:00:00Z'
         )`,
      );
    });
    const payment = async (amountOre = 500_000_00) => {
      const id = randomUUID();
      await t.dataSource.query(`INSERT INTO wf_payment (id, status, amount_ore) VALUES ($1, 'DRAFT', $2)`, [id, amountOre]);
      return id;
    };
    const fire = (id: string, event: keyof typeof Payment.transitions, actor: Actor, reason?: string) =>
      t.dataSource.transaction((m) => engine.transition(m, Payment, id, event, actor, { reason }));
    const stateOf = async (id: string) => (await t.dataSource.query(`SELECT status, updated_at FROM wf_payment WHERE id = $1`, [id]))[0];

    it('refuses the approval to whoever attested, with 403 SEPARATION_OF_DUTIES, and changes nothing', async () => {
      const id = await payment();
      const attester = person('officer');
      await fire(id, 'attest', attester);
      const before = await stateOf(id);
      const transitions = (await engine.history(Payment, id)).length;

      await expect(fire(id, 'approve', attester)).rejects.toMatchObject({ status: 403, code: 'SEPARATION_OF_DUTIES' });
      expect(await stateOf(id)).toEqual(before);
      expect(await engine.history(Payment, id)).toHaveLength(transitions);

      // the same person holding another role is the same person
      const alsoApprover = { ...attester, roles: ['officer', 'approver'] } as Actor;
      await expect(fire(id, 'approve', alsoApprover)).rejects.toMatchObject({ status: 403, code: 'SEPARATION_OF_DUTIES' });

      await fire(id, 'approve', person('approver'));
      expect((await stateOf(id)).status).toBe('APPROVED');
    });

    it('answers a failed guard with its own status and code, after role and state', async () => {
      const id = await payment(LIMIT_ORE + 1);
      await fire(id, 'attest', person('officer'));
      await expect(fire(id, 'approve', person('approver'))).rejects.toMatchObject({
        status: 409,
        code: 'OVER_LIMIT',
        extra: { currentState: 'ATTESTED', event: 'approve' },
      });
      expect((await stateOf(id)).status).toBe('ATTESTED');
      // a state conflict is told before the guard is asked
      const cancelled = await payment(LIMIT_ORE + 1);
      await fire(cancelled, 'cancel', person('officer'));
      await expect(fire(cancelled, 'approve', person('approver'))).rejects.toMatchObject({ status: 409, code: 'INVALID_STATE_TRANSITION' });
    });

    it('reads the history back in order, typed, with the actor, reason and time from the Clock', async () => {
      const id = await payment();
      const attestAt = new Date(Date.now() + HOUR_MS);
      const approveAt = new Date(Date.now() + 2 * HOUR_MS);
      let restore = setClock(t, attestAt);
      try {
        await fire(id, 'attest', person('officer'), 'Kontrollert mot faktura');
        expect((await stateOf(id)).updated_at).toEqual(attestAt);
      } finally {
        restore();
      }
      restore = setClock(t, approveAt);
      try {
        await fire(id, 'approve', person('approver'));
      } finally {
        restore();
      }
      const history = await engine.history(Payment, id);
      expect(history).toEqual([
        {
          id: expect.any(String),
          from: 'DRAFT',
          to: 'ATTESTED',
          event: 'attest',
          actorUserId: t.userIds.officer,
          reason: 'Kontrollert mot faktura',
          occurredAt: attestAt,
        },
        {
          id: expect.any(String),
          from: 'ATTESTED',
          to: 'APPROVED',
          event: 'approve',
          actorUserId: t.userIds.approver,
          reason: null,
          occurredAt: approveAt,
        },
      ]);
      expect(BigInt(history[0].id)).toBeLessThan(BigInt(history[1].id));
      expect((await stateOf(id)).updated_at).toEqual(approveAt);
      // another object's transitions, and an id that is no UUID, are not in it
      expect(await engine.history(Payment, await payment())).toEqual([]);
      expect(await engine.history(Payment, 'not-a-uuid')).toEqual([]);
    });

    it('lists what an actor may do next, leaving out what separation of duties rules out', async () => {
      const id = await payment();
      await fire(id, 'attest', person('officer'));
      const history = await engine.history(Payment, id);
      expect(engine.allowed(Payment, 'ATTESTED', person('officer'), history)).toEqual(['cancel']);
      expect(engine.allowed(Payment, 'ATTESTED', person('officer', randomUUID()), history)).toEqual(['approve', 'cancel']);
    });
  });

  describe("each workflow's states are the ones its table's CHECK constraint allows", () => {
    const workflows = allWorkflows();

    it('finds the workflows of the code', () => {
      expect(workflows.map((w) => w.entityType).sort()).toEqual(expect.arrayContaining(['application', 'call']));
    });

    it.each(allWorkflows().map((w) => [w.entityType, w] as const))('%s', async (_name, w) => {
      const checks: Array<{ def: string }> = await t.dataSource.query(
        `SELECT pg_get_constraintdef(c.oid) AS def
           FROM pg_constraint c
           JOIN pg_class r ON r.oid = c.conrelid
           JOIN pg_namespace n ON n.oid = r.relnamespace AND n.nspname = current_schema()
           JOIN pg_attribute a ON a.attrelid = r.oid AND a.attname = 'status'
          WHERE r.relname = $1 AND c.contype = 'c' AND c.conkey = ARRAY[a.attnum]`,
        [w.table],
      );
      expect(checks).toHaveLength(1);
      const allowed = [...checks[0].def.matchAll(/'([^']*)'/g)].map((m) => m[1]);
      expect([...allowed].sort()).toEqual([...w.states].sort());

      // and the table has the columns the engine writes
      const columns: Array<{ column_name: string; data_type: string }> = await t.dataSource.query(
        `SELECT column_name, data_type FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = $1 AND column_name IN ('id', 'status', 'updated_at') ORDER BY column_name`,
        [w.table],
      );
      expect(columns).toEqual([
        { column_name: 'id', data_type: 'uuid' },
        { column_name: 'status', data_type: 'text' },
        { column_name: 'updated_at', data_type: 'timestamp with time zone' },
      ]);
    });
  });
});
