-- The portal's sealer as each instance runs it: seal everything appended so far, then wait a second (pgbench script).
SELECT portal.audit_seal(1000000, false);
\sleep 1 s
