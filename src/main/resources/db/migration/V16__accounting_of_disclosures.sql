-- Accounting of disclosures (45 CFR 164.528).

-- Every disclosure is either accountable (it goes in the accounting the patient may ask for) or excepted, with the
-- exception of 164.528(a)(1) that applies. Disclosures made outside the portal (a subpoena, a mailed CD) are
-- recorded by the privacy officer: they name no stored study, carry the recipient's address when known, a written
-- description, and the date they were made (at) apart from when they were recorded (recorded_at).
ALTER TABLE portal.disclosure
    ADD COLUMN category          text,
    ADD COLUMN exception         text,
    ADD COLUMN recipient_address text,
    ADD COLUMN recorded_by       text,
    ADD COLUMN recorded_at       timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN suspension_ref    uuid,
    ALTER COLUMN study_ref DROP NOT NULL;

-- What the portal released so far was shared at the patient's direction: for treatment (a grant or link for
-- treatment or a second opinion) or under the patient's own authorization (any other purpose).
UPDATE portal.disclosure SET category = 'EXCEPTED',
    exception = CASE WHEN purpose LIKE 'TREATMENT%' OR purpose LIKE 'SECOND_OPINION%'
                     THEN 'TREATMENT_PAYMENT_OPERATIONS' ELSE 'AUTHORIZATION' END;

ALTER TABLE portal.disclosure
    ALTER COLUMN category SET NOT NULL,
    DROP CONSTRAINT disclosure_recipient_kind_check,
    DROP CONSTRAINT disclosure_action_check,
    ADD CONSTRAINT disclosure_recipient_kind_check CHECK (recipient_kind IN ('PROVIDER', 'LINK', 'OTHER')),
    ADD CONSTRAINT disclosure_action_check CHECK (action IN ('VIEW', 'DOWNLOAD', 'RELEASE')),
    ADD CONSTRAINT disclosure_category_check CHECK (category IN ('ACCOUNTABLE', 'EXCEPTED')),
    ADD CONSTRAINT disclosure_exception_check CHECK (
        (category = 'ACCOUNTABLE' AND exception IS NULL) OR (category = 'EXCEPTED' AND exception IN (
            'TREATMENT_PAYMENT_OPERATIONS', 'TO_INDIVIDUAL', 'INCIDENT_TO_PERMITTED_USE', 'AUTHORIZATION',
            'FACILITY_DIRECTORY', 'PERSONS_INVOLVED_IN_CARE', 'NATIONAL_SECURITY', 'CORRECTIONAL_INSTITUTION',
            'LIMITED_DATA_SET', 'BEFORE_COMPLIANCE_DATE'))),
    ADD CONSTRAINT disclosure_study_check CHECK (study_ref IS NOT NULL OR recipient_kind = 'OTHER');

-- 164.528(a)(2): a health oversight agency or law enforcement official may have the right suspended for a time;
-- disclosures to them recorded under the suspension are left out of accountings delivered before it ends.
CREATE TABLE portal.disclosure_suspension (
    id           uuid PRIMARY KEY,
    patient_ref  uuid NOT NULL,
    agency       text NOT NULL,
    -- who asked, and how: a written statement, or an oral one documented here (then at most 30 days)
    requested_by text NOT NULL,
    written      boolean NOT NULL,
    statement    text NOT NULL,
    until        date NOT NULL,
    recorded_by  text NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX disclosure_suspension_patient_idx ON portal.disclosure_suspension (patient_ref);
REVOKE UPDATE, DELETE ON portal.disclosure_suspension FROM ${app_role};

-- A patient's request for an accounting: due 60 days after receipt, one extension of 30 days with a written
-- reason; the first in any 12 months is free.
CREATE TABLE portal.accounting_request (
    id               uuid PRIMARY KEY,
    patient_ref      uuid NOT NULL,
    requested_by     text NOT NULL,
    received_at      timestamptz NOT NULL,
    period_from      date NOT NULL,
    period_to        date NOT NULL,
    free_of_charge   boolean NOT NULL,
    due_at           timestamptz NOT NULL,
    extended_at      timestamptz,
    extension_reason text,
    delivered_at     timestamptz,
    delivered_by     text,
    CHECK (period_from <= period_to),
    CHECK ((extended_at IS NULL) = (extension_reason IS NULL))
);
CREATE INDEX accounting_request_patient_idx ON portal.accounting_request (patient_ref, received_at DESC);
CREATE INDEX accounting_request_open_idx ON portal.accounting_request (due_at) WHERE delivered_at IS NULL;
