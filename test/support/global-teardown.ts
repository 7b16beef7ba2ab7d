import { adminQuery } from './database';

export default async function globalTeardown() {
  const base = process.env.DATABASE_URL;
  const template = process.env.HTO_TEMPLATE_DB;
  if (base && template) await adminQuery(base, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
}
