-- The audit trail becomes tamper-evident: every entry carries its position in the chain (seq), the
-- hash of the entry before it and its own hash,
--     hash = SHA-256(prev_hash || UTF-8 of the canonical text),
-- where the canonical text is the JSON array [seq, at, actor, action, outcome, entity, detail] as PostgreSQL prints
-- jsonb (at in UTC with microseconds). The first entry's prev_hash is 32 zero bytes. The portal recomputes the
-- chain on its own to verify it (AuditChain in the code); the database fills the columns in a trigger so that no
-- insert, from whatever code, can skip or forge them. An advisory lock held to the end of the inserting transaction
-- keeps the chain in commit order.

ALTER TABLE portal.audit_event ADD COLUMN seq bigint, ADD COLUMN prev_hash bytea, ADD COLUMN hash bytea;

CREATE FUNCTION portal.audit_canonical(seq bigint, at timestamptz, actor text, action text, outcome text,
        entity text, detail jsonb) RETURNS text
    LANGUAGE sql STABLE
    AS $$ SELECT jsonb_build_array(seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                 actor, action, outcome, entity, detail)::text $$;

-- The entries written before this migration, chained in the order they were written.
DO $$
DECLARE
    r        record;
    n        bigint := 0;
    previous bytea := decode(repeat('00', 32), 'hex');
    h        bytea;
BEGIN
    FOR r IN SELECT * FROM portal.audit_event ORDER BY id LOOP
        n := n + 1;
        h := sha256(previous || convert_to(portal.audit_canonical(n, r.at, r.actor, r.action, r.outcome, r.entity,
                r.detail), 'UTF8'));
        UPDATE portal.audit_event SET seq = n, prev_hash = previous, hash = h WHERE id = r.id;
        previous := h;
    END LOOP;
END $$;

ALTER TABLE portal.audit_event ALTER COLUMN seq SET NOT NULL, ALTER COLUMN prev_hash SET NOT NULL,
    ALTER COLUMN hash SET NOT NULL;
CREATE UNIQUE INDEX audit_event_seq_idx ON portal.audit_event (seq);
CREATE INDEX audit_event_at_idx ON portal.audit_event (at);
CREATE INDEX audit_event_actor_idx ON portal.audit_event (actor, at);
CREATE INDEX audit_event_entity_idx ON portal.audit_event (entity, seq);

CREATE FUNCTION portal.audit_chain() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    last_seq  bigint;
    last_hash bytea;
BEGIN
    -- one writer at a time, until its transaction ends: the next entry sees this one committed
    PERFORM pg_advisory_xact_lock(7308912431);
    SELECT e.seq, e.hash INTO last_seq, last_hash FROM portal.audit_event e ORDER BY e.seq DESC LIMIT 1;
    NEW.seq := coalesce(last_seq, 0) + 1;
    NEW.prev_hash := coalesce(last_hash, decode(repeat('00', 32), 'hex'));
    NEW.hash := sha256(NEW.prev_hash || convert_to(portal.audit_canonical(NEW.seq, NEW.at, NEW.actor, NEW.action,
            NEW.outcome, NEW.entity, NEW.detail), 'UTF8'));
    RETURN NEW;
END $$;

CREATE TRIGGER audit_chain BEFORE INSERT ON portal.audit_event FOR EACH ROW EXECUTE FUNCTION portal.audit_chain();

-- Append-only, restated: the portal may add and read entries, nothing else (no UPDATE, DELETE or TRUNCATE).
REVOKE ALL ON portal.audit_event FROM ${app_role};
GRANT SELECT, INSERT ON portal.audit_event TO ${app_role};
