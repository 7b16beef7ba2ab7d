import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { adminQuery } from './database';

export default async function globalTeardown() {
  const base = process.env.DATABASE_URL;
  const template = process.env.HTO_TEMPLATE_DB;
  if (base && template) await adminQuery(base, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  const snapshot = process.env.HTO_PGLITE_SNAPSHOT;
  if (snapshot) rmSync(dirname(snapshot), { recursive: true, force: true });
}
