import { ConsortiumPolicy } from './consortium.policy';
import { actor, render } from '../identity/access/policy-testing';

describe('access policies', () => {
  describe('consortia', () => {
    const policy = new ConsortiumPolicy();
    it('the own-consortium predicate over the consortium itself; officers change any, other staff only read', () => {
      expect(render(policy, actor('applicant'), 'read').sql).toContain('own_cm.consortium_id = r.id');
      expect(render(policy, actor('evaluator'), 'read').all).toBe(true);
      expect(render(policy, actor('evaluator'), 'write').none).toBe(true);
      expect(render(policy, actor('officer'), 'write').all).toBe(true);
      expect(render(policy, actor('assessor'), 'read').none).toBe(true);
    });
  });
});
