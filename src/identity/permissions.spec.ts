import { effectivePermissions, permissionsOf, PERMISSIONS, ROLE_PERMISSIONS, TOKEN_SCOPES } from './permissions';
import { ROLES } from './roles';

describe('permissions', () => {
  it('maps every role, and only to known permissions', () => {
    for (const role of ROLES) for (const p of ROLE_PERMISSIONS[role]) expect(PERMISSIONS).toContain(p);
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
