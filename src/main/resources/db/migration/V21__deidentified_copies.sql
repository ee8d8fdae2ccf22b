-- De-identified copies for teaching and research. A project holds the secret that keys its pseudonyms,
-- remapped UIDs and date offsets, so re-running a copy maps the same. A copy is stored like any study (encrypted,
-- its own data key) under a pseudonymous registry entry that is marked de-identified: it has no person to verify
-- and no account, and its studies can be shared by link on the practice's authority.
CREATE TABLE portal.deid_project (
    id          uuid PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    project_key bytea NOT NULL CHECK (length(project_key) >= 32),
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
REVOKE UPDATE, DELETE ON portal.deid_project FROM ${app_role};

ALTER TABLE portal.patient ADD COLUMN deidentified boolean NOT NULL DEFAULT false;

CREATE TABLE portal.deid_copy (
    id            uuid PRIMARY KEY,
    project_ref   uuid NOT NULL REFERENCES portal.deid_project (id),
    -- the original study (no foreign key: the record outlives it)
    source_study  uuid NOT NULL,
    copy_study    uuid REFERENCES portal.study (id) ON DELETE SET NULL,
    options       text[] NOT NULL,
    instances     integer NOT NULL,
    excluded      integer NOT NULL,
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
REVOKE DELETE ON portal.deid_copy FROM ${app_role};
