import { Actor } from '../common/actor';
import { Permission, PERMISSIONS } from '../common/permissions';
import { Role } from '../common/roles';

const everyone: Permission[] = ['me:read', 'api-tokens:manage', 'notifications:read-own', 'calls:read'];

/**
 * Which roles hold which permission: the one place to read who may do what. The permission names themselves are in
 * common/permissions.ts, below every module that declares one on a route. Object-level rules (which consortium,
 * which assigned application) live in each module's service.
 */
export const ROLE_PERMISSIONS: Record<Role, Permission[]> = {
  applicant: [
    ...everyone,
    'consortia:read',
    'consortia:write',
    'applications:read',
    'applications:write',
    'decisions:read',
    'grants:read',
    'grants:accept',
    'grants:change',
    'appeals:lodge',
    'reports:read',
    'reports:write',
    'cases:messages',
  ],
  officer: [
    ...everyone,
    'consortia:read',
    'consortia:write',
    'calls:manage',
    'applications:read',
    'applications:process',
    'cases:journal',
    'cases:messages',
    'cases:notes',
    'notifications:operate',
    // many calls are scored by the officers themselves: the same gate applies to them as assessors
    'assessments:perform',
    'assessments:manage',
    'decisions:read',
    'decisions:prepare',
    'grants:read',
    'grants:manage',
    'payments:read',
    'payments:attest',
    // an appeal that came by post or mail is registered by the officer for the party, a late one admitted (§ 31)
    'appeals:lodge',
    'appeals:handle',
    'reports:read',
    'reports:review',
    'reports:manage',
    'insights:read',
  ],
  approver: [
    ...everyone,
    'consortia:read',
    'applications:read',
    'cases:journal',
    'cases:messages',
    'cases:notes',
    'decisions:read',
    'decisions:approve',
    'grants:read',
    'grants:approve',
    'reports:read',
    'payments:read',
    'payments:approve',
  ],
  assessor: [...everyone, 'applications:read', 'assessments:perform'],
  evaluator: [
    ...everyone,
    'consortia:read',
    'applications:read',
    'insights:read',
    'decisions:read',
    'grants:read',
    'reports:read',
    'payments:read',
  ],
  auditor: [
    ...everyone,
    'consortia:read',
    'applications:read',
    'cases:journal',
    'audit:read',
    'decisions:read',
    'grants:read',
    'reports:read',
    'payments:read',
    'insights:read',
  ],
  admin: [...everyone, 'consortia:read', 'users:manage', 'audit:read', 'notifications:operate', 'metrics:read'],
};

export function permissionsOf(roles: readonly Role[]): Set<Permission> {
  return new Set(roles.flatMap((r) => ROLE_PERMISSIONS[r] ?? []));
}

/**
 * What an API token may be scoped to: any permission of its owner except minting further tokens, so a leaked
 * token can never outlive its own expiry.
 */
export const TOKEN_SCOPES: readonly Permission[] = PERMISSIONS.filter((p) => p !== 'api-tokens:manage');

/** What the actor may do now: the roles' permissions, narrowed to the token's scopes when it acts by API token. */
export function effectivePermissions(actor: Pick<Actor, 'roles' | 'scopes'>): Set<Permission> {
  const granted = permissionsOf(actor.roles);
  if (!actor.scopes) return granted;
  return new Set(actor.scopes.filter((s): s is Permission => granted.has(s as Permission)));
}
