-- Retention schedules. Each study is kept until the first matching rule says: a number of years after
-- the study, and (for rules that say so) at least until the patient reaches an age. A legal hold keeps a study
-- whatever the rules say. What goes leaves a tombstone: the study's row id, its patient, date, modalities, counts
-- and why, without any name, identifier or description; its audit entries and disclosure records stay.
CREATE TABLE portal.retention_rule (
    id               uuid PRIMARY KEY,
    priority         integer NOT NULL UNIQUE,
    -- the rule applies to studies with this modality (null: any)
    modality         text,
    -- and to patients of at most this age at the study (null: any age)
    max_age_at_study integer CHECK (max_age_at_study >= 0),
    keep_years       integer NOT NULL CHECK (keep_years > 0),
    -- and keeps the study at least until the patient has this age (null: no such floor)
    keep_until_age   integer CHECK (keep_until_age > 0),
    description      text NOT NULL
);
-- A starting schedule; the practice adapts it to its state's law.
INSERT INTO portal.retention_rule (id, priority, modality, max_age_at_study, keep_years, keep_until_age, description)
VALUES ('7a1d4e2c-0000-4000-8000-000000000001', 10, 'MG', NULL, 10, NULL, 'Mammography: 10 years after the study'),
       ('7a1d4e2c-0000-4000-8000-000000000002', 20, NULL, 17, 7, 21,
        'Minors: 7 years after the study, and at least until the patient is 21'),
       ('7a1d4e2c-0000-4000-8000-000000000003', 30, NULL, NULL, 7, NULL, 'Adults: 7 years after the study');

ALTER TABLE portal.study
    ADD COLUMN legal_hold        boolean NOT NULL DEFAULT false,
    ADD COLUMN legal_hold_reason text,
    ADD CONSTRAINT study_legal_hold_check CHECK (NOT legal_hold OR legal_hold_reason IS NOT NULL);

CREATE TABLE portal.study_tombstone (
    study_id        uuid PRIMARY KEY,
    patient_ref     uuid,
    study_date      text NOT NULL,
    modalities      text[] NOT NULL,
    series_count    integer NOT NULL,
    instance_count  integer NOT NULL,
    rule            text NOT NULL,
    retention_until date NOT NULL,
    deleted_at      timestamptz NOT NULL,
    deleted_by      text NOT NULL
);
REVOKE UPDATE, DELETE ON portal.study_tombstone FROM ${app_role};
