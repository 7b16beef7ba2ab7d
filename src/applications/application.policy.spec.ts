import { ApplicationPolicy } from './application.policy';
import { actor, render } from '../identity/access/policy-testing';

describe('access policies', () => {
  describe('applications', () => {
    const policy = new ApplicationPolicy();

    it('staff who read applications see every row; applicants their own consortia; an assessor none (until assessment grants)', () => {
      for (const role of ['officer', 'approver', 'evaluator', 'auditor', 'admin'] as const)
        expect(render(policy, actor(role), 'read')).toMatchObject({ sql: 'TRUE', all: true });
      const own = render(policy, actor('applicant'), 'read');
      expect(own.sql).toBe(
        '(EXISTS (SELECT 1 FROM consortium_member own_cm WHERE own_cm.consortium_id = r.consortium_id AND own_cm.organisation_id = ANY($1::uuid[])))',
      );
      expect(own.params).toEqual([['org-1', 'org-2']]);
      expect(render(policy, actor('assessor'), 'read')).toMatchObject({ sql: 'FALSE', none: true, params: [] });
    });

    it('a second role widens access only where it grants something itself', () => {
      // applicant + assessor: still only the own consortia; applicant + evaluator: reads all, writes only its own
      expect(render(policy, actor('applicant', 'assessor'), 'read').sql).toContain('own_cm');
      expect(render(policy, actor('applicant', 'evaluator'), 'read').all).toBe(true);
      expect(render(policy, actor('applicant', 'evaluator'), 'write').sql).toContain('led_c');
      expect(render(policy, actor('officer'), 'write').none).toBe(true);
      expect(render(policy, actor('applicant'), 'process').none).toBe(true);
      expect(render(policy, actor('officer'), 'process').all).toBe(true);
    });

    it('an evaluator sees no personal data; readers with a case to handle or their own application do', () => {
      expect(render(policy, actor('evaluator'), 'personal').none).toBe(true);
      expect(render(policy, actor('evaluator', 'applicant'), 'personal').sql).toContain('own_cm');
      for (const role of ['officer', 'approver', 'auditor', 'admin'] as const)
        expect(render(policy, actor(role), 'personal').all).toBe(true);
    });

    it('a higher module adds a grant: an assessor reads through an active assignment with no conflict declared', () => {
      const extended = new ApplicationPolicy().grant(
        'read',
        'assessor',
        (a, who, bind) =>
          `EXISTS (SELECT 1 FROM assessment_assignment x WHERE x.application_id = ${a}.id AND x.assessor_id = ${bind(who.userId)} AND x.active AND x.conflict = 'NONE')`,
      );
      expect(render(extended, actor('assessor'), 'read')).toEqual({
        sql: `(EXISTS (SELECT 1 FROM assessment_assignment x WHERE x.application_id = r.id AND x.assessor_id = $1 AND x.active AND x.conflict = 'NONE'))`,
        params: ['u-1'],
        none: false,
        all: false,
      });
      // an applicant who is also an assessor: either way in, one OR, values bound in order
      const both = render(extended, actor('applicant', 'assessor'), 'read');
      expect(both.sql).toMatch(/^\(\(EXISTS .*own_cm.*\) OR \(EXISTS .*assessment_assignment.*\)\)$/);
      expect(both.params).toEqual([['org-1', 'org-2'], 'u-1']);
      // the registration did not leak into other instances, nor other levels
      expect(render(new ApplicationPolicy(), actor('assessor'), 'read').none).toBe(true);
      expect(render(extended, actor('assessor'), 'personal').none).toBe(true);
    });
  });
});
