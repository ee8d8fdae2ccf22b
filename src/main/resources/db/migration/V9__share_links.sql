-- Share links for recipients without an account. Only a hash of the token is stored; the access code
-- is stored as a slow salted hash. Scope (study, series), purpose, permissions and limits never change after issue;
-- revocation is one way.
CREATE TABLE portal.share_link (
    id               uuid PRIMARY KEY,
    token_hash       text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    study_ref        uuid NOT NULL REFERENCES portal.study (id) ON DELETE CASCADE,
    patient_ref      uuid NOT NULL REFERENCES portal.patient (id),
    -- null: the whole study
    series_uids      text[],
    recipient_name   text NOT NULL,
    purpose          text NOT NULL,
    can_download     boolean NOT NULL DEFAULT false,
    not_before       timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL,
    max_opens        integer CHECK (max_opens IS NULL OR max_opens > 0),
    opens            integer NOT NULL DEFAULT 0,
    code_hash        text NOT NULL,
    failed_codes     integer NOT NULL DEFAULT 0,
    locked_at        timestamptz,
    created_by       text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    revoked_at       timestamptz,
    revoked_by       text,
    CHECK (expires_at > not_before)
);
CREATE INDEX share_link_patient_idx ON portal.share_link (patient_ref, created_at DESC);

-- scope and identity of a link are immutable for the app role: only the counters, lock and revocation change
REVOKE UPDATE ON portal.share_link FROM ${app_role};
GRANT UPDATE (opens, failed_codes, locked_at, revoked_at, revoked_by) ON portal.share_link TO ${app_role};
