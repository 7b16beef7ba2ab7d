#!/bin/sh
# Runs once, when the PostgreSQL volume is created (docker-entrypoint-initdb.d): the serving role of the service.
# POSTGRES_USER (hto) owns the schema and runs the migrations; hto_app only serves, with the privileges the
# migration runner grants it (DATABASE_APP_ROLE): on audit_event INSERT and SELECT only, so it can neither change
# the audit trail nor switch off the trigger that keeps it append-only.
set -eu
psql -v ON_ERROR_STOP=1 -v pw="$HTO_APP_DB_PASSWORD" --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE hto_app LOGIN PASSWORD :'pw';
SQL
