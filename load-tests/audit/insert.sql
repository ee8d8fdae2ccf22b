-- One audited write as the portal makes it: an entry in the audit trail in its own durable commit (pgbench script,
-- run by infra/portal bench-audit against a scratch database migrated like the portal's).
\set n random(1, 1000000)
INSERT INTO portal.audit_event (actor, action, outcome, entity, detail)
    VALUES ('bench-' || :n, 'study.view', 'success', 'study:' || md5((:n)::text), '{"instances": 4}'::jsonb);
