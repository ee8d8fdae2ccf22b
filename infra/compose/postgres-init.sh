#!/bin/bash
# First start of the compose PostgreSQL: the portal's two roles (owner runs migrations, app runs the portal)
# and Keycloak's own role and database. Passwords come from the environment (.env), never from this file.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE portal_owner LOGIN PASSWORD '${PORTAL_DB_OWNER_PASSWORD}';
CREATE ROLE portal_app LOGIN PASSWORD '${PORTAL_DB_APP_PASSWORD}';
CREATE DATABASE portal OWNER portal_owner;
REVOKE ALL ON DATABASE portal FROM PUBLIC;
GRANT CONNECT ON DATABASE portal TO portal_app;
CREATE ROLE keycloak LOGIN PASSWORD '${KEYCLOAK_DB_PASSWORD}';
CREATE DATABASE keycloak OWNER keycloak;
REVOKE ALL ON DATABASE keycloak FROM PUBLIC;
SQL
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname portal -c "REVOKE CREATE ON SCHEMA public FROM PUBLIC;"
