-- Audit entries are appended without waiting for each other and sealed into the hash chain afterwards.
--
-- Chaining at insert time made every audited transaction hold one lock from its insert to its commit, so audited
-- writes of all users queued behind each other's commits. Now an insert only writes the entry (seq, prev_hash and
-- hash stay empty, whatever the inserter supplies); portal.audit_seal() then gives the committed entries that are
-- not sealed yet their positions and hashes, in the order of their ids, one sealer at a time. Readers that need
-- positions seal first; every portal instance also seals every second. The hash rule is unchanged:
--     hash = SHA-256(prev_hash || UTF-8 of the canonical text).

ALTER TABLE portal.audit_event ALTER COLUMN seq DROP NOT NULL, ALTER COLUMN prev_hash DROP NOT NULL,
    ALTER COLUMN hash DROP NOT NULL;

CREATE INDEX audit_event_unsealed_idx ON portal.audit_event (id) WHERE seq IS NULL;

-- An inserter never chooses its own position or hash: only the sealer gives them.
CREATE OR REPLACE FUNCTION portal.audit_chain() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.seq := NULL;
    NEW.prev_hash := NULL;
    NEW.hash := NULL;
    RETURN NEW;
END $$;

-- Seals at most max_entries committed entries; returns how many. With wait, it waits for a sealer at work elsewhere
-- (so that, when it returns, every entry committed before the call is sealed); without, it returns 0 at once.
-- Runs with its owner's rights: the application role may append entries and seal them, never change them.
CREATE FUNCTION portal.audit_seal(max_entries integer, wait boolean) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    last_seq  bigint;
    last_hash bytea;
    r         record;
    n         integer := 0;
BEGIN
    IF wait THEN
        PERFORM pg_advisory_xact_lock(7308912431);
    ELSIF NOT pg_try_advisory_xact_lock(7308912431) THEN
        RETURN 0;
    END IF;
    SELECT e.seq, e.hash INTO last_seq, last_hash FROM portal.audit_event e
        WHERE e.seq IS NOT NULL ORDER BY e.seq DESC LIMIT 1;
    last_seq := coalesce(last_seq, 0);
    last_hash := coalesce(last_hash, decode(repeat('00', 32), 'hex'));
    FOR r IN SELECT e.id, e.at, e.actor, e.action, e.outcome, e.entity, e.detail FROM portal.audit_event e
            WHERE e.seq IS NULL ORDER BY e.id LIMIT max_entries LOOP
        UPDATE portal.audit_event SET seq = last_seq + 1, prev_hash = last_hash,
                hash = sha256(last_hash || convert_to(portal.audit_canonical(last_seq + 1, r.at, r.actor, r.action,
                        r.outcome, r.entity, r.detail), 'UTF8'))
            WHERE id = r.id
            RETURNING seq, hash INTO last_seq, last_hash;
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;

REVOKE ALL ON FUNCTION portal.audit_seal(integer, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION portal.audit_seal(integer, boolean) TO ${app_role};
