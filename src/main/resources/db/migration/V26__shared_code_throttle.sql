-- Wrong access codes per client address, shared by every portal instance: the address only as a keyed hash, and
-- only for the throttle's window (older rows are removed as new ones arrive).
CREATE TABLE portal.client_code_failure (
    client text NOT NULL CHECK (length(client) = 64),
    at     timestamptz NOT NULL
);
CREATE INDEX client_code_failure_client ON portal.client_code_failure (client, at);
CREATE INDEX client_code_failure_at ON portal.client_code_failure (at);
GRANT SELECT, INSERT, DELETE ON portal.client_code_failure TO ${app_role};
