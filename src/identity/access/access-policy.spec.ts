import { AccessPolicy, EVERY_ROW } from './access-policy';
import { actor, render } from './policy-testing';

describe('access policies', () => {
  it('can express "an approver sees what awaits approval" as a grant over the row', () => {
    class ApprovalView extends AccessPolicy<'read'> {
      protected readonly table = 'application';
      protected readonly noun = 'Application';
      protected readonly visibility = 'read';
      constructor() {
        super();
        this.grant('read', 'approver', (a, who, bind) => `${a}.status = 'AWAITING_APPROVAL' AND ${a}.proposed_by <> ${bind(who.userId)}`);
      }
    }
    expect(render(new ApprovalView(), actor('approver'), 'read')).toMatchObject({
      sql: `(r.status = 'AWAITING_APPROVAL' AND r.proposed_by <> $1)`,
      params: ['u-1'],
    });
  });
  it('a grant held through two roles is asked once; EVERY_ROW wins over any narrower grant', () => {
    class P extends AccessPolicy<'read'> {
      protected readonly table = 't';
      protected readonly noun = 'T';
      protected readonly visibility = 'read';
    }
    const narrow = (r: string) => `${r}.x = 1`;
    const p = new P().grant('read', ['officer', 'auditor'], narrow);
    expect(render(p, actor('officer', 'auditor'), 'read').sql).toBe('(r.x = 1)');
    p.grant('read', 'auditor', EVERY_ROW);
    expect(render(p, actor('officer', 'auditor'), 'read').sql).toBe('TRUE');
  });
});
