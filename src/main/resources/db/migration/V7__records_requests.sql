-- Requests under the right of access (45 CFR 164.524) that the portal cannot fulfil at once: a CD, paper, delivery
-- to a third party the patient names in writing. Acted on within 30 days of receipt; one extension of at most 30
-- days with a written reason given to the patient within the first 30.
CREATE TABLE portal.records_request (
    id                  uuid PRIMARY KEY,
    patient_ref         uuid NOT NULL REFERENCES portal.patient (id),
    requested_by        text NOT NULL,
    kind                text NOT NULL CHECK (kind IN ('CD_OR_DVD', 'PAPER_COPY', 'THIRD_PARTY_DELIVERY', 'OTHER')),
    details             text NOT NULL DEFAULT '',
    third_party_name    text,
    third_party_address text,
    received_at         timestamptz NOT NULL,
    due_at              timestamptz NOT NULL,
    extended_at         timestamptz,
    extended_by         text,
    extension_reason    text,
    fulfilled_at        timestamptz,
    fulfilled_by        text,
    fulfilment_note     text,
    CHECK (kind <> 'THIRD_PARTY_DELIVERY' OR (third_party_name IS NOT NULL AND third_party_address IS NOT NULL)),
    CHECK ((extended_at IS NULL) = (extension_reason IS NULL))
);
CREATE INDEX records_request_open_idx ON portal.records_request (due_at) WHERE fulfilled_at IS NULL;
CREATE INDEX records_request_patient_idx ON portal.records_request (patient_ref, received_at DESC);
