-- Forwarding the audit trail to an audit record repository (syslog over TLS): how far each destination has
-- received it. One row per destination; the instance that holds the row's lock forwards, the others skip.
CREATE TABLE portal.audit_forwarding (
    destination text PRIMARY KEY,
    last_seq    bigint NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
