import { effectivePermissions, permissionsOf, ROLE_PERMISSIONS, TOKEN_SCOPES } from './permissions';
import { PERMISSIONS } from '../common/permissions';
import { ROLES } from '../common/roles';

describe('permissions', () => {
  it('maps every role, and only to known permissions', () => {
    for (const role of ROLES) for (const p of ROLE_PERMISSIONS[role]) expect(PERMISSIONS).toContain(p);
  });

  it('grants each role exactly the permissions of this table', () => {
    // Deliberately duplicated from permissions.ts: changing who may do what means changing this table too, on purpose.
    const expected: Record<string, string[]> = {
      applicant: [
        'api-tokens:manage',
        'appeals:lodge',
        'applications:read',
        'applications:write',
        'calls:read',
        'cases:messages',
        'consortia:read',
        'consortia:write',
        'decisions:read',
        'grants:accept',
        'grants:change',
        'grants:read',
        'me:read',
        'notifications:read-own',
        'reports:read',
        'reports:write',
      ],
      officer: [
        'api-tokens:manage',
        'appeals:handle',
        'appeals:lodge',
        'applications:process',
        'applications:read',
        'assessments:manage',
        'assessments:perform',
        'calls:manage',
        'calls:read',
        'cases:journal',
        'cases:messages',
        'cases:notes',
        'consortia:read',
        'consortia:write',
        'decisions:prepare',
        'decisions:read',
        'grants:manage',
        'grants:read',
        'insights:read',
        'me:read',
        'notifications:operate',
        'notifications:read-own',
        'payments:attest',
        'payments:read',
        'reports:manage',
        'reports:read',
        'reports:review',
      ],
      approver: [
        'api-tokens:manage',
        'applications:read',
        'calls:read',
        'cases:journal',
        'cases:messages',
        'cases:notes',
        'consortia:read',
        'decisions:approve',
        'decisions:read',
        'grants:approve',
        'grants:read',
        'me:read',
        'notifications:read-own',
        'payments:approve',
        'payments:read',
        'reports:read',
      ],
      assessor: ['api-tokens:manage', 'applications:read', 'assessments:perform', 'calls:read', 'me:read', 'notifications:read-own'],
      evaluator: [
        'api-tokens:manage',
        'applications:read',
        'calls:read',
        'consortia:read',
        'decisions:read',
        'grants:read',
        'insights:read',
        'me:read',
        'notifications:read-own',
        'payments:read',
        'reports:read',
      ],
      auditor: [
        'api-tokens:manage',
        'applications:read',
        'audit:read',
        'calls:read',
        'cases:journal',
        'consortia:read',
        'decisions:read',
        'grants:read',
        'insights:read',
        'me:read',
        'notifications:read-own',
        'payments:read',
        'reports:read',
      ],
      admin: [
        'api-tokens:manage',
        'audit:read',
        'calls:read',
        'consortia:read',
        'me:read',
        'metrics:read',
        'notifications:operate',
        'notifications:read-own',
        'users:manage',
      ],
    };
    expect([...ROLES].sort()).toEqual(Object.keys(expected).sort());
    // as listed (sorted, duplicates kept) and as the guard sees them
    expect(Object.fromEntries(Object.entries(ROLE_PERMISSIONS).map(([role, ps]) => [role, [...ps].sort()]))).toEqual(expected);
    for (const role of ROLES) expect([...permissionsOf([role])].sort()).toEqual(expected[role]);
  });

  it('lets evaluators read but never write', () => {
    const evaluator = permissionsOf(['evaluator']);
    expect(evaluator.has('insights:read')).toBe(true);
    expect([...evaluator].filter((p) => /write|manage|process|perform/.test(p) && p !== 'api-tokens:manage')).toEqual([]);
  });

  it('unites several roles, and narrows an API token to its scopes within the owner’s current permissions', () => {
    expect(permissionsOf(['assessor', 'auditor']).has('audit:read')).toBe(true);
    expect([...effectivePermissions({ roles: ['evaluator'], scopes: ['insights:read', 'users:manage'] })]).toEqual(['insights:read']);
    expect(effectivePermissions({ roles: ['evaluator'] })).toEqual(permissionsOf(['evaluator']));
  });

  it('never lets a token mint tokens', () => {
    expect(TOKEN_SCOPES).not.toContain('api-tokens:manage');
  });
});
