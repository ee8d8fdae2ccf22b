-- The read-back scrub: stored images are read back, decrypted and compared with the digest and size the index
-- holds, a few per run, walking the instances in id order and starting over at the end. Where the walk stands is
-- kept here, shared by every portal instance.
CREATE TABLE portal.scrub_position (
    walk        text PRIMARY KEY CHECK (length(walk) BETWEEN 1 AND 100),
    last_id     uuid,
    passes      integer NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE ON portal.scrub_position TO ${app_role};
