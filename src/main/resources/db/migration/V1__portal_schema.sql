-- The portal schema (created by Flyway). Migrations run as the owner role; the running portal connects as the app role
-- (${app_role}), which gets exactly the privileges each later migration grants it.
REVOKE ALL ON SCHEMA portal FROM PUBLIC;
GRANT USAGE ON SCHEMA portal TO ${app_role};

-- Tables and sequences created by the owner in this schema are usable by the app role by default;
-- append-only tables (the audit trail) revoke UPDATE and DELETE explicitly in their own migration.
ALTER DEFAULT PRIVILEGES IN SCHEMA portal GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app_role};
ALTER DEFAULT PRIVILEGES IN SCHEMA portal GRANT USAGE, SELECT ON SEQUENCES TO ${app_role};
