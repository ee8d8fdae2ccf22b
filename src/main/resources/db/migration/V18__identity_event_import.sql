-- Sign-in and administrative events are copied from Keycloak into the audit trail. Per stream (the
-- realm's user events, its admin events): the time of the newest event copied and the ids copied at exactly that
-- time, so that a run starts where the last one ended without copying an event twice.
CREATE TABLE portal.identity_event_cursor (
    stream    text PRIMARY KEY,
    last_time bigint NOT NULL DEFAULT 0,
    last_ids  text[] NOT NULL DEFAULT '{}'
);
