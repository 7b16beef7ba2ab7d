import { allowedEvents, checkTransition, defineWorkflow, TransitionRecord } from './workflow';
import { Actor } from '../common/actor';

const person = (userId: string, ...roles: Actor['roles']): Actor => ({
  userId,
  email: `${userId}@test.local`,
  roles,
  organisationIds: [],
  via: 'session',
});

/** A payment: attested by one officer, approved by another (or by an approver who did not attest it). */
const states = ['DRAFT', 'ATTESTED', 'APPROVED', 'PAID', 'CANCELLED'] as const;
const Payment = defineWorkflow({
  entityType: 'payment',
  table: 'payment',
  states,
  transitions: {
    attest: { from: ['DRAFT'], to: 'ATTESTED', roles: ['officer'] },
    approve: { from: ['ATTESTED'], to: 'APPROVED', roles: ['officer', 'approver'], notBy: ['attest'] },
    pay: { from: ['APPROVED'], to: 'PAID', roles: ['system'] },
    cancel: { from: ['DRAFT', 'ATTESTED'], to: 'CANCELLED', roles: ['officer'], notBy: ['attest', 'approve'] },
  },
});

const fired = (
  event: 'attest' | 'approve',
  actorUserId: string | null,
): TransitionRecord<(typeof states)[number], keyof typeof Payment.transitions> => ({
  id: '1',
  from: 'DRAFT',
  to: 'ATTESTED',
  event,
  actorUserId,
  reason: null,
  occurredAt: new Date('2026-03-01T10:00:00Z'),
});

describe('defineWorkflow: the transition table is checked when it is defined', () => {
  const base = { entityType: 'thing', table: 'thing', states: ['A', 'B'] as const };

  it('accepts a consistent table and returns it unchanged', () => {
    const w = { ...base, transitions: { go: { from: ['A' as const], to: 'B' as const, roles: ['officer' as const] } } };
    expect(defineWorkflow(w)).toBe(w);
  });

  it.each([
    [
      'a table name that is not a plain identifier',
      { ...base, table: 'thing; DROP TABLE x', transitions: { go: { from: ['A'], to: 'B', roles: ['officer'] } } },
      /not a plain identifier/,
    ],
    [
      'a table name with upper case',
      { ...base, table: 'Thing', transitions: { go: { from: ['A'], to: 'B', roles: ['officer'] } } },
      /not a plain identifier/,
    ],
    [
      'a state listed twice',
      { ...base, states: ['A', 'B', 'A'], transitions: { go: { from: ['A'], to: 'B', roles: ['officer'] } } },
      /listed twice/,
    ],
    [
      'an unknown target state',
      { ...base, transitions: { go: { from: ['A'], to: 'C', roles: ['officer'] } } },
      /event go names unknown state C/,
    ],
    [
      'an unknown source state',
      { ...base, transitions: { go: { from: ['X'], to: 'B', roles: ['officer'] } } },
      /event go names unknown state X/,
    ],
    [
      'an event with no source state',
      { ...base, transitions: { go: { from: [], to: 'B', roles: ['officer'] } } },
      /no state to start from/,
    ],
    ['an event no role may fire', { ...base, transitions: { go: { from: ['A'], to: 'B', roles: [] } } }, /names no role/],
    [
      'separation of duties from an unknown event',
      { ...base, transitions: { go: { from: ['A'], to: 'B', roles: ['officer'], notBy: ['propose'] } } },
      /kept apart from unknown event propose/,
    ],
  ])('refuses %s', (_what, w, message) => {
    expect(() => defineWorkflow(w as never)).toThrow(message);
  });
});

describe('checkTransition and allowedEvents: role, state, separation of duties', () => {
  const attester = person('u-attester', 'officer');
  const otherOfficer = person('u-other', 'officer');
  const approver = person('u-approver', 'approver');
  const applicant = person('u-applicant', 'applicant');

  it('allows an event only from its source states and to its roles', () => {
    expect(allowedEvents(Payment, 'DRAFT', attester)).toEqual(['attest', 'cancel']);
    expect(allowedEvents(Payment, 'ATTESTED', approver)).toEqual(['approve']);
    expect(allowedEvents(Payment, 'APPROVED', 'system')).toEqual(['pay']);
    expect(allowedEvents(Payment, 'APPROVED', attester)).toEqual([]);
    expect(allowedEvents(Payment, 'DRAFT', applicant)).toEqual([]);
    expect(allowedEvents(Payment, 'PAID', otherOfficer)).toEqual([]);
  });

  it('lets the system fire only events that name it', () => {
    expect(checkTransition(Payment, 'attest', 'DRAFT', 'system')).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(checkTransition(Payment, 'pay', 'APPROVED', 'system')).toBeUndefined();
  });

  it('checks the role before the state: a stranger learns nothing about where the object is', () => {
    expect(checkTransition(Payment, 'approve', 'PAID', applicant)).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(checkTransition(Payment, 'approve', 'PAID', approver)).toMatchObject({
      status: 409,
      code: 'INVALID_STATE_TRANSITION',
      detail: 'Cannot approve a payment that is paid.',
    });
  });

  it('refuses a state other than the one the caller expected', () => {
    expect(checkTransition(Payment, 'cancel', 'ATTESTED', otherOfficer, { expectedFrom: 'DRAFT' })).toMatchObject({
      status: 409,
      code: 'INVALID_STATE_TRANSITION',
    });
  });

  it('refuses the person who attested the approval of the same payment, and no one else', () => {
    const history = [fired('attest', attester.userId)];
    expect(checkTransition(Payment, 'approve', 'ATTESTED', attester, { history })).toEqual({
      status: 403,
      code: 'SEPARATION_OF_DUTIES',
      detail: 'You cannot approve a payment on which you did "attest": someone else must.',
    });
    expect(checkTransition(Payment, 'approve', 'ATTESTED', otherOfficer, { history })).toBeUndefined();
    expect(checkTransition(Payment, 'approve', 'ATTESTED', approver, { history })).toBeUndefined();
    expect(allowedEvents(Payment, 'ATTESTED', attester, history)).toEqual([]);
    expect(allowedEvents(Payment, 'ATTESTED', otherOfficer, history)).toEqual(['approve', 'cancel']);
  });

  it('counts every earlier firing of any listed event, by anyone who did one', () => {
    const history = [fired('attest', otherOfficer.userId), fired('attest', attester.userId)];
    expect(checkTransition(Payment, 'cancel', 'ATTESTED', attester, { history })?.code).toBe('SEPARATION_OF_DUTIES');
    expect(checkTransition(Payment, 'cancel', 'ATTESTED', otherOfficer, { history })?.code).toBe('SEPARATION_OF_DUTIES');
    expect(checkTransition(Payment, 'cancel', 'ATTESTED', person('u-third', 'officer'), { history })).toBeUndefined();
  });

  it('does not count events the rule does not name, nor events fired by the system', () => {
    expect(checkTransition(Payment, 'approve', 'ATTESTED', attester, { history: [fired('approve', attester.userId)] })).toBeUndefined();
    expect(checkTransition(Payment, 'approve', 'ATTESTED', attester, { history: [fired('attest', null)] })).toBeUndefined();
  });

  it('never holds the system to separation of duties (it is no person)', () => {
    const Flow = defineWorkflow({
      entityType: 'flow',
      table: 'flow',
      states: ['A', 'B', 'C'] as const,
      transitions: {
        first: { from: ['A'], to: 'B', roles: ['system'] },
        second: { from: ['B'], to: 'C', roles: ['system'], notBy: ['first'] },
      },
    });
    const history = [{ id: '1', from: 'A', to: 'B', event: 'first', actorUserId: null, reason: null, occurredAt: new Date() } as const];
    expect(checkTransition(Flow, 'second', 'B', 'system', { history })).toBeUndefined();
  });

  it('throws on an event the table does not have (a programming error, not a user error)', () => {
    expect(() => checkTransition(Payment, 'refund' as never, 'PAID', approver)).toThrow(/has no event refund/);
  });
});
