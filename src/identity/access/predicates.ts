import { Actor } from '../../common/actor';
import { Bind, Grant } from './access-policy';

/**
 * The actor's own consortia: those with one of the actor's organisations as a member. The one place this rule is
 * written, in SQL for lists and single rows (over the column holding the consortium id) and in memory for a member
 * list not yet stored (a consortium being created or changed).
 */
export const ownConsortium = {
  sql(consortiumId: string, actor: Actor, bind: Bind): string {
    return `EXISTS (SELECT 1 FROM consortium_member own_cm WHERE own_cm.consortium_id = ${consortiumId} AND own_cm.organisation_id = ANY(${bind(actor.organisationIds)}::uuid[]))`;
  },
  holds(actor: Actor, memberOrganisationIds: readonly string[]): boolean {
    return memberOrganisationIds.some((o) => actor.organisationIds.includes(o));
  },
  /** A grant for rows whose `column` holds the consortium id (`id` for the consortium itself). */
  grant(column: string): Grant {
    return (row, actor, bind) => ownConsortium.sql(`${row}.${column}`, actor, bind);
  },
};

/**
 * The consortia the actor's organisations lead: the lead acts for the consortium (domain brief § 9), the other members
 * read and give or withdraw their own consent. Over the column holding the consortium id, as `ownConsortium`.
 */
export const ledConsortium = {
  sql(consortiumId: string, actor: Actor, bind: Bind): string {
    return `EXISTS (SELECT 1 FROM consortium led_c WHERE led_c.id = ${consortiumId} AND led_c.lead_organisation_id = ANY(${bind(actor.organisationIds)}::uuid[]))`;
  },
  holds(actor: Actor, leadOrganisationId: string): boolean {
    return actor.organisationIds.includes(leadOrganisationId);
  },
  grant(column: string): Grant {
    return (row, actor, bind) => ledConsortium.sql(`${row}.${column}`, actor, bind);
  },
};
