import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Tables the serving role may read but never write: the audit trail also takes INSERT (and its seal), the others nothing more. */
const APPEND_ONLY = ['audit_event'];
const READ_ONLY = ['schema_migrations', 'audit_chain_keyed_from'];

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * What the serving role needs and no more, granted by the owner after its migrations (again at every start, so tables
 * of new migrations are covered): reading and writing the service's tables, but on the audit trail only INSERT and
 * SELECT. It owns nothing, so it can neither alter nor drop a table, nor disable the trigger that keeps the audit
 * trail append-only.
 */
export async function grantServingRole(owner: DataSource, role: string): Promise<void> {
  const [{ schema }]: Array<{ schema: string }> = await owner.query(`SELECT current_schema() AS schema`);
  const [r]: Array<{ exists: boolean; superuser: boolean; member_of_owner: boolean }> = await owner.query(
    `SELECT true AS exists, rolsuper AS superuser, pg_has_role($1, current_user, 'MEMBER') AS member_of_owner FROM pg_roles WHERE rolname = $1`,
    [role],
  );
  if (!r) throw new Error(`DATABASE_APP_ROLE: the role "${role}" does not exist; create it first (README, Running in production)`);
  if (r.superuser || r.member_of_owner)
    throw new Error(`DATABASE_APP_ROLE: "${role}" is a superuser or a member of the owner role, so it could rewrite the audit trail`);
  const s = ident(schema);
  const to = ident(role);
  await owner.query(`GRANT USAGE ON SCHEMA ${s} TO ${to}`);
  await owner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${s} TO ${to}`);
  await owner.query(`REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA ${s} FROM ${to}`);
  await owner.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${s} TO ${to}`);
  // setval would let it reuse an audit sequence number
  await owner.query(`REVOKE UPDATE ON ALL SEQUENCES IN SCHEMA ${s} FROM ${to}`);
  for (const t of APPEND_ONLY) await owner.query(`REVOKE UPDATE, DELETE ON ${s}.${ident(t)} FROM ${to}`);
  // the seal (AuditSealer) links an unsealed entry into the chain; the append-only trigger refuses any other update
  await owner.query(`GRANT UPDATE (prev_hash, hash, mac) ON ${s}.audit_event TO ${to}`);
  for (const t of READ_ONLY) await owner.query(`REVOKE INSERT, UPDATE, DELETE ON ${s}.${ident(t)} FROM ${to}`);
}

/** Production should serve with a role that does not own the audit trail; say so at start when it does. */
export async function warnIfServingRoleOwnsAudit(ds: DataSource, production: boolean): Promise<void> {
  if (!production) return;
  const [r]: Array<{ owns: boolean; superuser: boolean }> = await ds.query(
    `SELECT pg_has_role(current_user, c.relowner, 'MEMBER') AS owns, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser
       FROM pg_class c WHERE c.oid = 'audit_event'::regclass`,
  );
  if (r?.owns || r?.superuser)
    new Logger('Database').warn(
      'the service serves as a role that owns the audit trail (or is a superuser): it could disable the append-only trigger. ' +
        'Migrate as the owner (DATABASE_MIGRATION_URL) and serve as a role without ownership (README, Running in production).',
    );
}
