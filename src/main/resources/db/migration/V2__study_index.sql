-- The study index: patients as the images name them, studies, series and instances with the attributes DICOMweb
-- queries match and return (PS3.18 Table 10.6.1-5), sizes and counts. The images themselves live encrypted in the
-- object store; each study row holds its data key, wrapped by a master key that is never stored here.

CREATE TABLE portal.patient (
    id              uuid PRIMARY KEY,
    patient_id      text NOT NULL,
    issuer          text NOT NULL DEFAULT '',
    name            text NOT NULL DEFAULT '',
    birth_date      text NOT NULL DEFAULT '',
    sex             text NOT NULL DEFAULT '',
    -- the Keycloak user id of the patient's own portal account, once the front desk has issued access
    account_subject text UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (patient_id, issuer)
);

CREATE TABLE portal.study (
    id                  uuid PRIMARY KEY,
    study_uid           text NOT NULL UNIQUE,
    -- null while every instance of the study waits in quarantine: then nobody but staff sees it
    patient_ref         uuid REFERENCES portal.patient (id),
    -- the patient identity the study's instances carry (return keys; checked against every new instance)
    patient_id          text NOT NULL DEFAULT '',
    issuer              text NOT NULL DEFAULT '',
    patient_name        text NOT NULL DEFAULT '',
    birth_date          text NOT NULL DEFAULT '',
    sex                 text NOT NULL DEFAULT '',
    study_date          text NOT NULL DEFAULT '',
    study_time          text NOT NULL DEFAULT '',
    accession_number    text NOT NULL DEFAULT '',
    referring_physician text NOT NULL DEFAULT '',
    description         text NOT NULL DEFAULT '',
    study_id            text NOT NULL DEFAULT '',
    -- aggregates over the instances that are not in quarantine
    modalities          text[] NOT NULL DEFAULT '{}',
    series_count        integer NOT NULL DEFAULT 0,
    instance_count      integer NOT NULL DEFAULT 0,
    size_bytes          bigint NOT NULL DEFAULT 0,
    wrapped_key         bytea NOT NULL,
    master_key_id       bigint NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX study_patient_idx ON portal.study (patient_ref);
CREATE INDEX study_date_idx ON portal.study (study_date);
CREATE INDEX study_accession_idx ON portal.study (accession_number);
CREATE INDEX study_patient_id_idx ON portal.study (patient_id);
CREATE INDEX study_modalities_idx ON portal.study USING gin (modalities);
CREATE INDEX study_master_key_idx ON portal.study (master_key_id);

CREATE TABLE portal.series (
    id                   uuid PRIMARY KEY,
    study_ref            uuid NOT NULL REFERENCES portal.study (id) ON DELETE CASCADE,
    series_uid           text NOT NULL UNIQUE,
    modality             text NOT NULL DEFAULT '',
    series_number        integer,
    description          text NOT NULL DEFAULT '',
    performed_start_date text NOT NULL DEFAULT '',
    instance_count       integer NOT NULL DEFAULT 0,
    created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX series_study_idx ON portal.series (study_ref);
CREATE INDEX series_modality_idx ON portal.series (modality);

CREATE TABLE portal.instance (
    id                uuid PRIMARY KEY,
    study_ref         uuid NOT NULL REFERENCES portal.study (id) ON DELETE CASCADE,
    series_ref        uuid NOT NULL REFERENCES portal.series (id) ON DELETE CASCADE,
    sop_instance_uid  text NOT NULL UNIQUE,
    sop_class_uid     text NOT NULL,
    instance_number   integer,
    transfer_syntax   text NOT NULL,
    rows              integer,
    columns           integer,
    frames            integer,
    object_key        text NOT NULL UNIQUE,
    size_bytes        bigint NOT NULL,
    sha256            bytea NOT NULL,
    -- set while the instance is held for staff review; such instances are invisible to patients and providers
    quarantine_reason text,
    -- the identity the instance carries, kept for the review when it differs from its study's or patient's
    quarantine_detail text,
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX instance_series_idx ON portal.instance (series_ref);
CREATE INDEX instance_study_idx ON portal.instance (study_ref);
CREATE INDEX instance_quarantine_idx ON portal.instance (created_at) WHERE quarantine_reason IS NOT NULL;

-- Objects being written: a row is made before the upload and removed in the transaction that indexes the
-- object; anything left here after a crash is an orphan the sweeper deletes from the store.
CREATE TABLE portal.pending_object (
    object_key text PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The audit trail: append-only for the portal (no UPDATE or DELETE for the app role).
CREATE TABLE portal.audit_event (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor      text NOT NULL,
    action     text NOT NULL,
    outcome    text NOT NULL,
    entity     text,
    detail     jsonb NOT NULL DEFAULT '{}'
);
REVOKE UPDATE, DELETE ON portal.audit_event FROM ${app_role};
