-- Sharing with registered referring physicians and the disclosure records every release to someone
-- other than the patient writes in its own transaction (45 CFR 164.528).

CREATE TABLE portal.share_grant (
    id                 uuid PRIMARY KEY,
    study_ref          uuid NOT NULL REFERENCES portal.study (id) ON DELETE CASCADE,
    patient_ref        uuid NOT NULL REFERENCES portal.patient (id),
    provider_ref       uuid NOT NULL REFERENCES portal.provider (id),
    can_download       boolean NOT NULL DEFAULT false,
    purpose            text NOT NULL CHECK (purpose IN ('TREATMENT', 'SECOND_OPINION', 'OTHER')),
    purpose_text       text,
    created_by         text NOT NULL,
    -- set when staff shared on the patient's behalf: what written authorization they recorded
    authorization_note text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    expires_at         timestamptz NOT NULL,
    revoked_at         timestamptz,
    revoked_by         text,
    CHECK (purpose <> 'OTHER' OR purpose_text IS NOT NULL),
    CHECK (expires_at > created_at)
);
CREATE INDEX share_grant_provider_idx ON portal.share_grant (provider_ref, expires_at) WHERE revoked_at IS NULL;
CREATE INDEX share_grant_patient_idx ON portal.share_grant (patient_ref, created_at DESC);

-- Evidence, kept after the study is gone (no foreign keys): append-only for the app role.
CREATE TABLE portal.disclosure (
    id             bigserial PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    patient_ref    uuid NOT NULL,
    study_ref      uuid NOT NULL,
    recipient_kind text NOT NULL CHECK (recipient_kind IN ('PROVIDER', 'LINK')),
    recipient_ref  text NOT NULL,
    recipient_name text NOT NULL,
    action         text NOT NULL CHECK (action IN ('VIEW', 'DOWNLOAD')),
    -- what was disclosed, generated: modalities, description, study date, series and instance counts
    description    jsonb NOT NULL,
    purpose        text NOT NULL,
    -- the authority it was released under, e.g. grant:<id>
    basis          text NOT NULL
);
CREATE INDEX disclosure_patient_idx ON portal.disclosure (patient_ref, at DESC);
CREATE INDEX disclosure_basis_idx ON portal.disclosure (basis, at DESC);
REVOKE UPDATE, DELETE ON portal.disclosure FROM ${app_role};
