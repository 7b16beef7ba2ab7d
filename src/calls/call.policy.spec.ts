import { CallPolicy } from './call.policy';
import { actor, render } from '../identity/access/policy-testing';

describe('access policies', () => {
  describe('calls', () => {
    const policy = new CallPolicy();
    it('everyone sees published calls; officers their drafts too', () => {
      expect(render(policy, actor('applicant'), 'read').sql).toBe(`(r.status <> 'DRAFT')`);
      expect(render(policy, actor('applicant', 'officer'), 'read').sql).toBe('TRUE');
    });
  });
});
