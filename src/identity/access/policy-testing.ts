import { Actor } from '../../common/actor';
import { Role } from '../../common/roles';
import { AccessPolicy, Bind } from './access-policy';

export const actor = (...roles: Role[]): Actor => ({
  userId: 'u-1',
  email: 'x@test.local',
  roles,
  organisationIds: ['org-1', 'org-2'],
  via: 'session',
});

/** Renders a filter with numbered placeholders, as a list query would. */
export function render(policy: AccessPolicy<string>, a: Actor, level: string) {
  const params: unknown[] = [];
  const bind: Bind = (v) => {
    params.push(v);
    return `$${params.length}`;
  };
  const filter = policy.filter(a, level);
  return { sql: filter.sql('r', bind), params, none: filter.none, all: filter.all };
}
