-- The instance forwarding the audit trail holds a short lease on the destination's row instead of a transaction
-- open across the network send: claim, send, move the position, release.
ALTER TABLE portal.audit_forwarding ADD COLUMN lease_holder uuid, ADD COLUMN lease_until timestamptz;
